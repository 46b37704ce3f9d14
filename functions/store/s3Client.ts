/**
 * The S3 client of a `Clients`, built on first use and kept on it (so `destroyClients` and
 * `resetClients` release it with the DynamoDB client). Only code that reads or writes objects
 * imports this module, so only the functions that use S3 bundle @aws-sdk/client-s3.
 *
 * Checksums only when required: s3rver cannot handle the SDK's default CRC trailers, and the
 * archive stores its own sha256 anyway.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { type Clients, credentialsFor } from './clients.js';

export function s3Of(c: Clients): S3Client {
  c.s3IfBuilt ??= createS3Client(c);
  return c.s3IfBuilt;
}

function createS3Client({ config }: Clients): S3Client {
  const credentials = credentialsFor(config);
  return new S3Client({
    region: config.region,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(config.s3Endpoint ? { endpoint: config.s3Endpoint, forcePathStyle: true } : {}),
    ...(credentials ? { credentials } : {}),
  });
}
