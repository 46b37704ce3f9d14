/**
 * The embedded emulators (functions/local/emulators.ts): DynamoDB Local is taken to be up only
 * when DynamoDB answers on its port, not any server that happens to listen there.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulators } from '../../functions/local/emulators.js';

it('does not take another server on the DynamoDB port for DynamoDB Local', async () => {
  const other = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found'));
  other.listen(0, '127.0.0.1');
  await once(other, 'listening');
  const s3Dir = await mkdtemp(join(tmpdir(), 'mpa-emulators-'));
  try {
    const { port } = other.address() as { port: number };
    await expect(startEmulators({ s3Dir, dynamoDbPort: port })).rejects.toThrow(/another server answers|DynamoDB Local exited/);
  } finally {
    other.close();
    await rm(s3Dir, { recursive: true, force: true });
  }
}, 60_000);
