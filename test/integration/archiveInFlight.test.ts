/**
 * A large upload's archive travels to S3 while the upload is validated, as a multipart upload
 * that stays invisible until completed (functions/store/rawArchiveInFlight.ts): an invalid or
 * refused upload leaves nothing stored, not even parts; a repeat keeps the first object as it is.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import { ProblemError } from '../../functions/domain/problems.js';
import { directUploadLimits } from '../../functions/domain/uploadBody.js';
import { readUploadJson } from '../../functions/domain/uploadJson.js';
import { acceptUpload } from '../../functions/services/acceptUpload.js';
import { createClients, type Clients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { createInstall } from '../../functions/store/installs.js';
import { s3Of } from '../../functions/store/s3Client.js';
import { readRawRecords } from '../../functions/store/rawArchive.js';
import { minutesAgo, sample } from '../support/localApi.js';
import { injectFaults } from '../support/faults.js';

let c: Clients;
beforeAll(() => {
  c = createClients(storageConfig());
});
afterAll(() => destroyClients(c));

/** The ids of the multipart uploads started through the clients. */
function multipartUploads(clients: Clients): string[] {
  const ids: string[] = [];
  s3Of(clients).middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if ((context as { commandName?: string }).commandName === 'CreateMultipartUploadCommand') ids.push((result.output as { UploadId: string }).UploadId);
      return result;
    },
    { step: 'initialize', name: `uploadIds-${Math.random()}` },
  );
  return ids;
}

/** Whether s3rver still holds the parts of a multipart upload (its folder under the bucket). */
function partsKept(uploadId: string): boolean {
  return existsSync(join(process.env.SCRATCH_S3_DIR!, c.config.rawBucket, '._S3rver_uploads', uploadId));
}

async function objectsOf(installId: string): Promise<string[]> {
  const listed = await s3Of(c).send(new ListObjectsV2Command({ Bucket: c.config.rawBucket, Prefix: 'raw/' }));
  return (listed.Contents ?? []).map((o) => o.Key!).filter((key) => key.includes(`/install=${installId}/`));
}

/** A gzip body of `devices` devices: 25,000 make an archive of over 1 MiB. */
async function largeBody(records: unknown[] | undefined, collectedAt: string) {
  const upload = sample('devices', { devices: 25_000, collectedAt });
  const json = Buffer.from(JSON.stringify(records ? { ...upload, records } : upload));
  return readUploadJson(gzipSync(json, { level: 1 }), 'gzip', directUploadLimits);
}

it('sends a large archive during validation and aborts it when the upload is invalid', async () => {
  const { install } = await createInstall(c, { customerId: 'in-flight', name: 'invalid' }, new Date());
  const ids = multipartUploads(c);
  const { calls } = injectFaults(c, []);
  const valid = sample('devices', { devices: 25_000, collectedAt: minutesAgo(3) }).records as Record<string, unknown>[];
  const invalid = valid.map((record, i) => (i === 24_000 ? { ...record, deviceId: 7 } : record));
  const body = await largeBody(invalid, minutesAgo(3));
  expect(body.sentBytes).toBeGreaterThan(1024 * 1024);
  await expect(acceptUpload(c, { installId: install.installId, customerId: 'in-flight', queryType: 'devices', body, now: new Date() })).rejects.toBeInstanceOf(ProblemError);
  expect(calls).toMatchObject({ CreateMultipartUploadCommand: 1, AbortMultipartUploadCommand: 1 });
  expect(calls.CompleteMultipartUploadCommand).toBeUndefined();
  expect(ids).toHaveLength(1);
  expect(partsKept(ids[0]!)).toBe(false);
  expect(await objectsOf(install.installId)).toEqual([]);
});

it('completes a repeat create-only: the first object stays as it was, the repeat leaves no parts', async () => {
  const { install } = await createInstall(c, { customerId: 'in-flight', name: 'repeat' }, new Date());
  const ids = multipartUploads(c);
  const collectedAt = minutesAgo(4);
  const first = await acceptUpload(c, { installId: install.installId, queryType: 'devices', body: await largeBody(undefined, collectedAt), now: new Date() });
  const [key] = await objectsOf(install.installId);
  const before = await s3Of(c).send(new HeadObjectCommand({ Bucket: c.config.rawBucket, Key: key }));
  expect(before.Metadata?.['upload-id']).toBe(first.receipt.uploadId);
  expect(before.ContentEncoding).toBe('gzip');
  expect(await readRawRecords(c, key!)).toHaveLength(25_000);

  const again = await acceptUpload(c, { installId: install.installId, queryType: 'devices', body: await largeBody(undefined, collectedAt), now: new Date() });
  expect(again).toEqual({ status: 200, receipt: { ...first.receipt, duplicate: true } });
  const after = await s3Of(c).send(new HeadObjectCommand({ Bucket: c.config.rawBucket, Key: key }));
  expect({ etag: after.ETag, metadata: after.Metadata }).toEqual({ etag: before.ETag, metadata: before.Metadata });
  expect(await objectsOf(install.installId)).toEqual([key]);
  expect(ids).toHaveLength(2);
  expect(ids.filter(partsKept)).toEqual([]);
});
