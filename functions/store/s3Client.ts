/**
 * The S3 client of a `Clients`, built on first use and kept on it (so `destroyClients` and
 * `resetClients` release it with the DynamoDB client). Only code that reads or writes objects
 * imports this module, so only the functions that use S3 bundle @aws-sdk/client-s3.
 *
 * Checksums only when required, in production too: with the SDK's default (WHEN_SUPPORTED) a
 * presigned PUT URL would carry checksum parameters that every uploading client would then have
 * to send as headers, and the archive carries its own SHA-256 (the upload log's `sha256`, and
 * `x-amz-content-sha256` on each request: withPayloadSha256). test/unit/presign.test.ts guards
 * the URL.
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { Clients } from './clients.js';

export function s3Of(c: Clients): S3Client {
  c.s3IfBuilt ??= createS3Client(c);
  return c.s3IfBuilt;
}

function createS3Client({ config }: Clients): S3Client {
  return new S3Client({
    region: config.region,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(config.s3Endpoint ? { endpoint: config.s3Endpoint, forcePathStyle: true } : {}),
  });
}

/** The header SigV4 signs as the payload's SHA-256; the signer hashes the body only when it is absent. */
const PAYLOAD_SHA256_HEADER = 'x-amz-content-sha256';

/**
 * A command whose body's SHA-256 (hex) is known already: the request carries it, so the signer
 * does not hash the body again (time of this thread: docs/decisions.md). S3 checks it
 * against the bytes received, as it checks a hash the signer computed.
 */
export function withPayloadSha256<C extends { middlewareStack: { add: (middleware: never, options: object) => void } }>(command: C, sha256Hex: string): C {
  const setHeader = (next: (args: { request: unknown }) => Promise<unknown>) => (args: { request: unknown }) => {
    const request = args.request as { headers?: Record<string, string> };
    if (request.headers) request.headers[PAYLOAD_SHA256_HEADER] = sha256Hex;
    return next(args);
  };
  command.middlewareStack.add(setHeader as never, { step: 'build', name: 'knownPayloadSha256' });
  return command;
}
