/**
 * A large upload's archive travels to S3 while the upload is validated, as a multipart upload
 * that stays invisible until completed (functions/store/rawArchiveInFlight.ts): an invalid or
 * refused upload leaves nothing stored, not even parts; a repeat keeps the first object as it is.
 * A gzip upload as received sets its archive off as soon as its collectedAt is read from the
 * first inflated bytes, before the rest is inflated, and archives exactly the bytes received.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import { ProblemError } from '../../functions/domain/problems.js';
import { directUploadLimits } from '../../functions/domain/uploadBody.js';
import { readUploadJson } from '../../functions/domain/uploadJson.js';
import { rawObjectKey, rawQueryPrefix } from '../../functions/domain/storageKeys.js';
import { acceptReceivedUpload, acceptUpload } from '../../functions/services/acceptUpload.js';
import { createClients, type Clients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { createInstall } from '../../functions/store/installs.js';
import { s3Of } from '../../functions/store/s3Client.js';
import { listRawKeys, readRawRecords } from '../../functions/store/rawArchive.js';
import { sampleRecords, sampleUpload as sample } from '../../functions/samples/sampleUploads.js';
import { minutesAgo } from '../support/time.js';
import { injectFaults } from '../support/faults.js';
import { holdConditionalWrites, interceptSdkCalls } from '../support/sdkCalls.js';

/** Clients of one test, destroyed after it: the middleware the test adds (recorders, fault counters) goes with them. */
let c: Clients;
beforeEach(() => {
  c = createClients(storageConfig());
});
afterEach(() => destroyClients(c));

/** The ids of the multipart uploads started through the clients. */
function multipartUploads(clients: Clients): string[] {
  const ids: string[] = [];
  interceptSdkCalls(clients, async ({ command }, send) => {
    const result = await send();
    if (command === 'CreateMultipartUploadCommand') ids.push((result.output as { UploadId: string }).UploadId);
    return result;
  });
  return ids;
}

/** Whether s3rver still holds the parts of a multipart upload (its folder under the bucket). */
function partsKept(uploadId: string): boolean {
  return existsSync(join(process.env.SCRATCH_S3_DIR!, c.config.rawBucket, '._S3rver_uploads', uploadId));
}

/** The raw objects of an install (every upload here is of devices). */
function objectsOf(installId: string): Promise<string[]> {
  return listRawKeys(c, rawQueryPrefix('devices', installId));
}

/** The records of every large upload here, built once: 25,000 devices make an archive of over 1 MiB. Device records do not depend on collectedAt. */
const largeDevices = sampleRecords('devices', { devices: 25_000 });

/** A large upload as sent: the sample envelope for `collectedAt` (its fields in its order), holding `records`, gzip-compressed. */
function largeGzip(collectedAt: string, records: unknown[] = largeDevices): Buffer {
  const upload = { ...sample('devices', { devices: 0, collectedAt }), records };
  return gzipSync(Buffer.from(JSON.stringify(upload)), { level: 1 });
}

/** An archive set off once and aborted: one multipart upload, never completed, leaving neither parts nor an object. */
async function expectAbortedWithoutTrace(calls: Record<string, number>, ids: string[], installId: string): Promise<void> {
  expect(calls).toMatchObject({ CreateMultipartUploadCommand: 1, AbortMultipartUploadCommand: 1 });
  expect(calls.CompleteMultipartUploadCommand).toBeUndefined();
  expect(ids).toHaveLength(1);
  expect(ids.filter(partsKept)).toEqual([]);
  expect(await objectsOf(installId)).toEqual([]);
}

/** A large upload as read for validation: `largeGzip`'s body within the direct-upload limits. */
function largeBody(sent: Buffer) {
  return readUploadJson(sent, 'gzip', directUploadLimits);
}

it('sends a large archive during validation and aborts it when the upload is invalid', async () => {
  const { install } = await createInstall(c, { customerId: 'in-flight', name: 'invalid' }, new Date());
  const ids = multipartUploads(c);
  const { calls } = injectFaults(c, []);
  const invalid = largeDevices.map((record, i) => (i === 24_000 ? { ...record, deviceId: 7 } : record));
  const body = await largeBody(largeGzip(minutesAgo(3), invalid));
  expect(body.sentBytes).toBeGreaterThan(1024 * 1024);
  await expect(acceptUpload(c, { installId: install.installId, customerId: 'in-flight', queryType: 'devices', body, now: new Date() })).rejects.toBeInstanceOf(ProblemError);
  await expectAbortedWithoutTrace(calls, ids, install.installId);
});

it('completes a repeat create-only: the first object stays as it was, the repeat leaves no parts', async () => {
  const { install } = await createInstall(c, { customerId: 'in-flight', name: 'repeat' }, new Date());
  const ids = multipartUploads(c);
  const sent = largeGzip(minutesAgo(4));
  const first = await acceptUpload(c, { installId: install.installId, queryType: 'devices', body: await largeBody(sent), now: new Date() });
  const [key] = await objectsOf(install.installId);
  const before = await s3Of(c).send(new HeadObjectCommand({ Bucket: c.config.rawBucket, Key: key }));
  expect(before.Metadata?.['upload-id']).toBe(first.receipt.uploadId);
  expect(before.ContentEncoding).toBe('gzip');
  expect(await readRawRecords(c, key!)).toHaveLength(25_000);

  const again = await acceptUpload(c, { installId: install.installId, queryType: 'devices', body: await largeBody(sent), now: new Date() });
  expect(again).toEqual({ status: 200, receipt: { ...first.receipt, duplicate: true } });
  const after = await s3Of(c).send(new HeadObjectCommand({ Bucket: c.config.rawBucket, Key: key }));
  expect({ etag: after.ETag, metadata: after.Metadata }).toEqual({ etag: before.ETag, metadata: before.Metadata });
  expect(await objectsOf(install.installId)).toEqual([key]);
  expect(ids).toHaveLength(2);
  expect(ids.filter(partsKept)).toEqual([]);
});

it('identical large uploads racing: one 201, 200 for the rest, one object and no parts, though S3 ends a completion that meets 409', async () => {
  // Every conditional write is held in flight for a while, as a slow completion on S3 would be,
  // so the racers' completions meet the first one's 409. S3 ends a multipart upload whose
  // completion meets 409 (the emulator too): retrying it would answer NoSuchUpload, a 500.
  const { install } = await createInstall(c, { customerId: 'in-flight', name: 'racing' }, new Date());
  const ids = multipartUploads(c);
  const { calls } = injectFaults(c, []);
  const held = holdConditionalWrites(c, 400);
  const sent = largeGzip(minutesAgo(9));
  try {
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        acceptReceivedUpload(c, { installId: install.installId, queryType: 'devices', sent, encoding: 'gzip', limits: directUploadLimits, now: new Date() }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.receipt.uploadId)).size).toBe(1);
  } finally {
    held.remove();
  }
  expect(calls.CompleteMultipartUploadCommand).toBe(4);
  // Completions that met 409 sent their bytes again as one create-only PUT each (how many did
  // depends on when each arrived; the next test makes one do so for certain).
  expect(await objectsOf(install.installId)).toHaveLength(1);
  expect(ids).toHaveLength(4);
  expect(ids.filter(partsKept)).toEqual([]);
});

it('a completion that meets 409 is not retried: its upload is aborted and its bytes go as one create-only PUT', async () => {
  const { install } = await createInstall(c, { customerId: 'in-flight', name: 'conflict' }, new Date());
  const ids = multipartUploads(c);
  const { calls } = injectFaults(c, [{ command: 'CompleteMultipartUploadCommand', mode: 'conflict' }]);
  const sent = largeGzip(minutesAgo(10));
  const accepted = await acceptReceivedUpload(c, { installId: install.installId, queryType: 'devices', sent, encoding: 'gzip', limits: directUploadLimits, now: new Date() });
  expect(accepted.status).toBe(201);
  expect(calls).toMatchObject({ CreateMultipartUploadCommand: 1, CompleteMultipartUploadCommand: 1, AbortMultipartUploadCommand: 1, PutObjectCommand: 1 });
  const key = rawObjectKey('devices', install.installId, accepted.receipt.collectedAt, createHash('sha256').update(sent).digest('hex'));
  expect(await objectsOf(install.installId)).toEqual([key]);
  const object = await s3Of(c).send(new GetObjectCommand({ Bucket: c.config.rawBucket, Key: key }));
  expect(Buffer.from(await object.Body!.transformToByteArray()).equals(sent)).toBe(true);
  expect(ids.filter(partsKept)).toEqual([]);
});

describe('a gzip upload as received', () => {
  it('archives the bytes received under their SHA-256, in one multipart upload that leaves no parts', async () => {
    const { install } = await createInstall(c, { customerId: 'in-flight', name: 'received' }, new Date());
    const ids = multipartUploads(c);
    const sent = largeGzip(minutesAgo(5));
    const accepted = await acceptReceivedUpload(c, { installId: install.installId, queryType: 'devices', sent, encoding: 'gzip', limits: directUploadLimits, now: new Date() });
    expect(accepted.status).toBe(201);
    const key = rawObjectKey('devices', install.installId, accepted.receipt.collectedAt, createHash('sha256').update(sent).digest('hex'));
    expect(await objectsOf(install.installId)).toEqual([key]);
    const object = await s3Of(c).send(new GetObjectCommand({ Bucket: c.config.rawBucket, Key: key }));
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(sent)).toBe(true);
    expect(ids).toHaveLength(1);
    expect(partsKept(ids[0]!)).toBe(false);
  });

  it.each([
    ['cut short', (sent: Buffer) => sent.subarray(0, sent.length - 4096), directUploadLimits, 'invalid_json'],
    ['inflating past the limit', (sent: Buffer) => sent, { ...directUploadLimits, maxInflatedBytes: 2 * 1024 * 1024 }, 'payload_too_large'],
  ])('sets off its archive before the rest of the body is read, and aborts it when the body is %s', async (_, damage, limits, code) => {
    const { install } = await createInstall(c, { customerId: 'in-flight', name: 'early' }, new Date());
    const ids = multipartUploads(c);
    const { calls } = injectFaults(c, []);
    const sent = damage(largeGzip(minutesAgo(6)));
    expect(sent.length).toBeGreaterThan(1024 * 1024);
    await expect(acceptReceivedUpload(c, { installId: install.installId, queryType: 'devices', sent, encoding: 'gzip', limits, now: new Date() })).rejects.toMatchObject({ code });
    // Only an archive set off from the envelope's head can have started: the body never parsed.
    await expectAbortedWithoutTrace(calls, ids, install.installId);
  });
});

it('aborts the archive of an upload whose install cannot be read (a session of an install since deleted)', async () => {
  const ids = multipartUploads(c);
  const { calls } = injectFaults(c, []);
  const installId = 'no-such-install';
  const sent = largeGzip(minutesAgo(8));
  // No customerId: the install is read, as for an upload session's object.
  await expect(acceptReceivedUpload(c, { installId, queryType: 'devices', sent, encoding: 'gzip', limits: directUploadLimits, now: new Date() })).rejects.toMatchObject({ code: 'not_found' });
  await expectAbortedWithoutTrace(calls, ids, installId);
});

describe('a gzip upload whose head does not settle collectedAt', () => {
  /** The large body with its envelope written out by hand: `head` before the records, `tail` after them. */
  function handWritten(head: string, tail: string): Buffer {
    return gzipSync(Buffer.from(`{${head}"records":${JSON.stringify(largeDevices)}${tail}}`), { level: 1 });
  }

  type Envelope = (collectedAt: string) => [head: string, tail: string];
  it.each<[string, Envelope, number, number]>([
    ['after the records', (at) => ['"schemaVersion":1,"mpaVersion":"3.4.1.12",', `,"collectedAt":"${at}"`], 1, 0],
    ['twice, the last one after the records', (at) => [`"schemaVersion":1,"collectedAt":"${minutesAgo(30)}","mpaVersion":"3.4.1.12",`, `,"collectedAt":"${at}"`], 2, 1],
  ])('with collectedAt %s is archived under the collectedAt validation settles on', async (_, envelope, multiparts, aborted) => {
    const { install } = await createInstall(c, { customerId: 'in-flight', name: 'late head' }, new Date());
    const ids = multipartUploads(c);
    const { calls } = injectFaults(c, []);
    const collectedAt = minutesAgo(7);
    const [head, tail] = envelope(collectedAt);
    const sent = handWritten(head, tail);
    const accepted = await acceptReceivedUpload(c, { installId: install.installId, queryType: 'devices', sent, encoding: 'gzip', limits: directUploadLimits, now: new Date() });
    expect(accepted.receipt.collectedAt).toBe(new Date(collectedAt).toISOString());
    const key = rawObjectKey('devices', install.installId, accepted.receipt.collectedAt, createHash('sha256').update(sent).digest('hex'));
    expect(await objectsOf(install.installId)).toEqual([key]);
    expect(calls.CreateMultipartUploadCommand).toBe(multiparts);
    expect(calls.AbortMultipartUploadCommand ?? 0).toBe(aborted);
    expect(ids.filter(partsKept)).toEqual([]);
  });
});
