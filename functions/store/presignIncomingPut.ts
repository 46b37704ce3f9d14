/**
 * Presigned PUTs into the incoming bucket (`incoming/<uploadId>`) for upload sessions. Apart
 * from the incoming objects (incomingObjects.ts) so that only the function that signs them
 * bundles the presigner.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Clients } from './clients.js';
import { s3Of } from './s3Client.js';

export interface PresignedPut {
  url: string;
  headers: Record<string, string>;
}

/**
 * A presigned PUT of exactly `contentLength` bytes: Content-Length, Content-Type and
 * Content-Encoding are signed headers, so S3 refuses a body of another size or type.
 */
export async function presignIncomingPut(
  c: Clients,
  key: string,
  put: { contentLength: number; contentType: string; contentEncoding?: 'gzip'; expiresInSeconds: number },
): Promise<PresignedPut> {
  const headers: Record<string, string> = {
    'content-length': String(put.contentLength),
    'content-type': put.contentType,
    ...(put.contentEncoding ? { 'content-encoding': put.contentEncoding } : {}),
  };
  const command = new PutObjectCommand({
    Bucket: c.config.incomingBucket,
    Key: key,
    ContentLength: put.contentLength,
    ContentType: put.contentType,
    ...(put.contentEncoding ? { ContentEncoding: put.contentEncoding } : {}),
  });
  const url = await getSignedUrl(s3Of(c), command, { expiresIn: put.expiresInSeconds, signableHeaders: new Set(Object.keys(headers)) });
  return { url, headers };
}
