/**
 * The archive's requests carry the archived bytes' SHA-256, known already (it names the object),
 * as the payload hash SigV4 signs, so the signer does not hash a 5 MB archive a second time
 * (functions/store/s3Client.ts, withPayloadSha256). S3 checks that hash against the bytes it
 * receives: it must be the bytes' own, and among the signed headers.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { directUploadLimits } from '../../functions/domain/uploadBody.js';
import { acceptReceivedUpload } from '../../functions/services/acceptUpload.js';
import { createClients, type Clients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { s3Of } from '../../functions/store/s3Client.js';
import { newInstall, sampleJson } from '../support/exactlyOnce.js';
import { minutesAgo } from '../support/time.js';

interface SignedRequest {
  command: string;
  payloadSha256: string | undefined;
  signedHeaders: string;
  bodySha256: string;
}

/** The body-carrying S3 requests as sent, after signing. */
function signedRequests(c: Clients): SignedRequest[] {
  const seen: SignedRequest[] = [];
  s3Of(c).middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers: Record<string, string>; body?: unknown };
      if (request.body instanceof Uint8Array) {
        seen.push({
          command: (context as { commandName?: string }).commandName ?? '?',
          payloadSha256: request.headers['x-amz-content-sha256'],
          signedHeaders: /SignedHeaders=([^,]+)/.exec(request.headers.authorization ?? '')?.[1] ?? '',
          bodySha256: createHash('sha256').update(request.body as Uint8Array).digest('hex'),
        });
      }
      return next(args);
    },
    // After the signature, just before the request goes out.
    { step: 'deserialize', name: 'recordSignedRequests' },
  );
  return seen;
}

let c: Clients;
beforeEach(() => {
  c = createClients(storageConfig());
});
afterEach(() => destroyClients(c));

it.each([
  ['a large archive, sent as one part while the body is read', 20_000, 'UploadPartCommand'],
  ['a small archive, put at commit', 12, 'PutObjectCommand'],
])('signs %s with the SHA-256 of the archived bytes', async (_name, devices, command) => {
  const requests = signedRequests(c);
  const installId = await newInstall(c, 'signature');
  // Stored, not compressed, so that 20,000 devices make an archive over the 1 MiB sent in flight.
  const sent = gzipSync(sampleJson('devices', minutesAgo(3), devices), { level: 0 });
  const outcome = await acceptReceivedUpload(c, { installId, queryType: 'devices', sent, encoding: 'gzip', limits: directUploadLimits, now: new Date() });
  expect(outcome.status).toBe(201);
  const archived = requests.filter((request) => request.command === command);
  expect(archived).toHaveLength(1);
  expect(archived[0]!.payloadSha256).toBe(createHash('sha256').update(sent).digest('hex'));
  expect(archived[0]!.bodySha256).toBe(archived[0]!.payloadSha256);
  expect(archived[0]!.signedHeaders.split(';')).toContain('x-amz-content-sha256');
});
