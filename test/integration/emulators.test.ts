/**
 * The embedded emulators (functions/local/emulators.ts): DynamoDB Local is taken to be up only
 * when DynamoDB answers on its port, not any server that happens to listen there.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { spawn } from 'node:child_process';
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

it('takes DynamoDB Local down with the process that started it, when that process dies without stopping it', async () => {
  const emulators = new URL('../../functions/local/emulators.ts', import.meta.url).pathname;
  const s3Dir = await mkdtemp(join(tmpdir(), 'mpa-emulators-'));
  try {
    const script = `import { startEmulators } from ${JSON.stringify(emulators)};
      const e = await startEmulators({ s3Dir: ${JSON.stringify(s3Dir)} });
      console.log(e.dynamoDbPid);
      throw new Error('died without stopping its emulators');`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.resume();
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).not.toBe(0);
    const pid = Number(out.trim());
    expect(pid).toBeGreaterThan(0);
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 50 && alive(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive()).toBe(false);
  } finally {
    await rm(s3Dir, { recursive: true, force: true });
  }
}, 90_000);

/** Whether a TCP connection to host:port is accepted. */
async function accepts(host: string, port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

it('listens on 127.0.0.1 only: a network peer reaches neither DynamoDB Local nor s3rver', async () => {
  const { networkInterfaces } = await import('node:os');
  const outward = Object.values(networkInterfaces())
    .flat()
    .find((address) => address !== undefined && !address.internal && address.family === 'IPv4')?.address;
  const s3Dir = await mkdtemp(join(tmpdir(), 'mpa-emulators-'));
  const emulators = await startEmulators({ s3Dir });
  try {
    const ports = [emulators.dynamoDbEndpoint, emulators.s3Endpoint].map((endpoint) => Number(new URL(endpoint).port));
    for (const port of ports) expect(await accepts('127.0.0.1', port)).toBe(true);
    // Without an interface other than loopback there is no peer to be reached from.
    if (outward) for (const port of ports) expect(await accepts(outward, port)).toBe(false);
  } finally {
    await emulators.stop();
    await rm(s3Dir, { recursive: true, force: true });
  }
}, 90_000);
