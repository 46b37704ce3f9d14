/**
 * The CLI's choice between a direct POST and an upload session follows the API's one direct
 * limit (DESIGN.md §3: 4 MiB as sent): POSTed up to it, a session above it, and a session
 * after a POST answered 413. The API client is a recorder; the presigned PUT goes to a small
 * HTTP server standing in for S3.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { Command } from 'commander';
import { ApiError, type ApiClient } from '../../functions/cli/apiClient.js';
import { Cli } from '../../functions/cli/context.js';
import { DIRECT_LIMIT_BYTES, transfer } from '../../functions/cli/transfer.js';
import { makeProblem } from '../../functions/domain/problems.js';
import { DIRECT_BODY_MAX_BYTES } from '../../functions/domain/uploadBody.js';

let s3: Server;
let putUrl: string;
const putSizes: number[] = [];
beforeAll(async () => {
  s3 = createServer((req, res) => {
    let size = 0;
    req.on('data', (chunk: Buffer) => (size += chunk.length));
    req.on('end', () => {
      putSizes.push(size);
      res.writeHead(200).end();
    });
  });
  s3.listen(0, '127.0.0.1');
  await once(s3, 'listening');
  putUrl = `http://127.0.0.1:${(s3.address() as { port: number }).port}/incoming/x`;
});
afterAll(() => s3.close());

const receipt = { uploadId: 'u', installId: 'i', queryType: 'devices', collectedAt: '2026-01-01T00:00:00.000Z', recordCount: 1, sha256: 'a'.repeat(64), duplicate: false };

/** A client that records its calls; `direct` is what a POST answers. */
function recordingClient(direct: () => Promise<unknown>): { client: ApiClient; calls: string[] } {
  const calls: string[] = [];
  const client = {
    uploadQuery: async () => {
      calls.push('POST');
      return direct();
    },
    postBundle: async () => {
      calls.push('POST');
      return direct();
    },
    createUploadSession: async () => {
      calls.push('session');
      return { uploadId: 'u', url: putUrl, method: 'PUT', headers: {}, expiresAt: '2026-01-01T00:00:00.000Z' };
    },
    waitForUpload: async () => {
      calls.push('wait');
      return { uploadId: 'u', status: 'accepted', receipt };
    },
  } as unknown as ApiClient;
  return { client, calls };
}

const quietCli = () => new Cli({ stdout: { write: () => true }, stderr: { write: () => true }, env: {} }, new Command());
const options = { wait: true, timeoutMs: 10_000 };

it('uses the API limit: 4 MiB', () => {
  expect(DIRECT_LIMIT_BYTES).toBe(DIRECT_BODY_MAX_BYTES);
});

it('POSTs a body of exactly 4 MiB, and sends one byte more through a session', async () => {
  const atLimit = recordingClient(async () => receipt);
  expect(await transfer(quietCli(), atLimit.client, { kind: 'query', queryType: 'devices', gzipped: Buffer.alloc(DIRECT_BODY_MAX_BYTES) }, options)).toMatchObject({ via: 'direct', status: 'accepted' });
  expect(atLimit.calls).toEqual(['POST']);
  const over = recordingClient(async () => receipt);
  expect(await transfer(quietCli(), over.client, { kind: 'bundle', zip: Buffer.alloc(DIRECT_BODY_MAX_BYTES + 1) }, options)).toMatchObject({ via: 'session', status: 'accepted' });
  expect(over.calls).toEqual(['session', 'wait']);
  expect(putSizes.at(-1)).toBe(DIRECT_BODY_MAX_BYTES + 1);
});

it('falls back to a session when the POST is answered 413', async () => {
  const problem = makeProblem('payload_too_large', 'The body is too large; use an upload session.');
  const refused = recordingClient(async () => {
    throw new ApiError(413, problem, JSON.stringify(problem));
  });
  const result = await transfer(quietCli(), refused.client, { kind: 'query', queryType: 'devices', gzipped: Buffer.alloc(1000) }, options);
  expect(result).toMatchObject({ via: 'session', status: 'accepted', receipt });
  expect(refused.calls).toEqual(['POST', 'session', 'wait']);
});

it('does not fall back on other refusals', async () => {
  const problem = makeProblem('validation_failed', 'bad');
  const refused = recordingClient(async () => {
    throw new ApiError(400, problem, JSON.stringify(problem));
  });
  expect(await transfer(quietCli(), refused.client, { kind: 'query', queryType: 'devices', gzipped: Buffer.alloc(10) }, options)).toMatchObject({ via: 'direct', status: 'rejected' });
  expect(refused.calls).toEqual(['POST']);
});
