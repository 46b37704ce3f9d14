/**
 * Why the S3 client computes checksums only when required, in production too: a presigned PUT
 * must carry no checksum parameters, or every uploading client would have to send matching
 * checksum headers (functions/store/s3Client.ts). Built as on AWS: no endpoint, credentials
 * from the environment (fixed ones here; signing needs no network).
 */
import { createClients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { presignIncomingPut } from '../../functions/store/presignIncomingPut.js';

describe('presigned incoming PUT', () => {
  const saved = { ...process.env };
  afterAll(() => {
    process.env = saved;
  });

  it('signs Content-Length and Content-Type and carries no checksum parameter', async () => {
    process.env = { ...saved, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'not-a-secret' };
    const { dynamoDbEndpoint: _d, s3Endpoint: _s, ...awsConfig } = storageConfig({ TABLE_NAME: 't', RAW_BUCKET: 'raw', INCOMING_BUCKET: 'incoming', AWS_REGION: 'eu-west-1' });
    const c = createClients(awsConfig);
    try {
      const { url, headers } = await presignIncomingPut(c, 'incoming/abc', { contentLength: 1234, contentType: 'application/json', contentEncoding: 'gzip', expiresInSeconds: 900 });
      const parsed = new URL(url);
      expect(parsed.host).toBe('incoming.s3.eu-west-1.amazonaws.com');
      const names = [...parsed.searchParams.keys()].map((name) => name.toLowerCase());
      expect(names.filter((name) => name.includes('checksum'))).toEqual([]);
      expect(parsed.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(expect.arrayContaining(['content-length', 'content-type', 'content-encoding', 'host']));
      expect(headers).toEqual({ 'content-length': '1234', 'content-type': 'application/json', 'content-encoding': 'gzip' });
    } finally {
      destroyClients(c);
    }
  });
});
