/**
 * The raw archive is create-only: a repeated, retried or racing upload of a snapshot must not
 * rewrite its archived object (bytes, metadata, a new version in a versioned bucket). Found by
 * the soak: uploads no longer look the snapshot up before archiving, so every repeat re-PUT
 * the object, and on s3rver two PUTs of one key at once interleaved their bytes into a corrupt
 * object. The PUT is now conditional (If-None-Match: *), and the local S3 emulator answers the
 * condition as S3 does (functions/local/s3Semantics.ts).
 */
import { createHash } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import { rawObjectKey, rawQueryPrefix } from '../../functions/domain/storageKeys.js';
import { acceptReceivedUpload, acceptUpload } from '../../functions/services/acceptUpload.js';
import { getUpload } from '../../functions/store/uploadLog.js';
import { listRawKeys } from '../../functions/store/rawArchive.js';
import { archivedSha256 } from '../../scripts/soak/storedState.js';
import { createClients, type Clients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { expectDurable, expectExactlyOnce, newInstall, sampleJson } from '../support/exactlyOnce.js';
import { injectFaults } from '../support/faults.js';
import { interceptSdkCalls } from '../support/sdkCalls.js';
import { minutesAgo } from '../support/time.js';
import { s3Of } from '../../functions/store/s3Client.js';
import { plainUploadJson, readUploadJson } from '../../functions/domain/uploadJson.js';
import { directUploadLimits } from '../../functions/domain/uploadBody.js';

let c: Clients;
beforeEach(() => {
  c = createClients(storageConfig());
});
afterEach(() => {
  destroyClients(c);
});

/** Records the PutObject inputs of the clients. */
function putInputs(clients: Clients): { Key: string; IfNoneMatch?: string }[] {
  const inputs: { Key: string; IfNoneMatch?: string }[] = [];
  interceptSdkCalls(clients, ({ command, input }, send) => {
    if (command === 'PutObjectCommand') inputs.push(input as { Key: string; IfNoneMatch?: string });
    return send();
  });
  return inputs;
}

const headOf = async (key: string) => {
  const head = await s3Of(c).send(new HeadObjectCommand({ Bucket: c.config.rawBucket, Key: key }));
  return { etag: head.ETag, uploadId: head.Metadata?.['upload-id'] };
};

it('the same bytes again leave the archived object as the first upload wrote it', async () => {
  const puts = putInputs(c);
  const installId = await newInstall(c, 'archive');
  const sent = gzipSync(sampleJson('devices', minutesAgo(8)), { level: 9 });
  const upload = () => acceptReceivedUpload(c, { installId, queryType: 'devices', sent, encoding: 'gzip', limits: directUploadLimits, now: new Date() });
  const first = await upload();
  const key = puts[0]!.Key;
  expect(key).toBe(rawObjectKey('devices', installId, first.receipt.collectedAt, createHash('sha256').update(sent).digest('hex')));
  const before = await headOf(key);
  expect(before.uploadId).toBe(first.receipt.uploadId);

  const again = await upload();
  expect(again).toEqual({ status: 200, receipt: { ...first.receipt, duplicate: true } });
  expect(puts.map((p) => [p.Key, p.IfNoneMatch])).toEqual([
    [key, '*'],
    [key, '*'],
  ]);
  expect(await headOf(key)).toEqual(before);
  await expectExactlyOnce(c, installId, [first.receipt]);
});

it('the same snapshot compressed otherwise is a duplicate and leaves the first object alone, and no second one', async () => {
  const puts = putInputs(c);
  const installId = await newInstall(c, 'archive');
  const json = sampleJson('devices', minutesAgo(8));
  const first = await acceptUpload(c, { installId, queryType: 'devices', body: await readUploadJson(gzipSync(json, { level: 9 }), 'gzip', directUploadLimits), now: new Date() });
  const before = await headOf(puts[0]!.Key);

  const again = await acceptUpload(c, { installId, queryType: 'devices', body: plainUploadJson(json), now: new Date() });
  expect(again).toEqual({ status: 200, receipt: { ...first.receipt, duplicate: true } });
  const [firstKey, secondKey] = puts.map((p) => p.Key);
  expect(secondKey).not.toBe(firstKey);
  expect(await headOf(firstKey!)).toEqual(before);
  await expect(headOf(secondKey!)).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  await expectExactlyOnce(c, installId, [first.receipt]);
});

it('copies of a snapshot racing each other leave one intact object and one snapshot', async () => {
  const installId = await newInstall(c, 'archive');
  const json = sampleJson('device-versions', minutesAgo(9), 400);
  const puts = putInputs(c);
  // Four copies of the same gzip bytes and four plain ones race: copies of one key meet each
  // other's write in flight (409 from S3), wait and try again; the copies that lose the
  // snapshot to the other key delete their own object.
  const answered = await Promise.all(Array.from({ length: 8 }, async (_, i) => acceptUpload(c, { installId, queryType: 'device-versions', body: i % 2 ? await readUploadJson(gzipSync(json), 'gzip', directUploadLimits) : plainUploadJson(json), now: new Date() })));
  expect(puts.length).toBeGreaterThanOrEqual(8);
  expect(new Set(puts.map((p) => p.Key)).size).toBe(2);
  const receipts = answered.map((a) => a.receipt);
  expect(new Set(receipts.map((r) => r.uploadId)).size).toBe(1);
  expect(answered.filter((a) => a.status === 201)).toHaveLength(1);
  await expectDurable(c, receipts[0]!);
  const key = (await getUpload(c, receipts[0]!.uploadId))!.rawKey!;
  expect(await archivedSha256(c, key)).toBe(receipts[0]!.sha256);
  expect(await listRawKeys(c, rawQueryPrefix('device-versions', installId))).toEqual([key]);
  await expectExactlyOnce(c, installId, receipts);
});

it('an object of the same bytes left by an earlier attempt that failed before its commit is adopted', async () => {
  const installId = await newInstall(c, 'archive');
  const collectedAt = minutesAgo(10);
  const json = sampleJson('event-counts', collectedAt);
  const { gzip, sha256 } = await plainUploadJson(json).archive();
  const key = rawObjectKey('event-counts', installId, new Date(collectedAt).toISOString(), sha256);
  await s3Of(c).send(new PutObjectCommand({ Bucket: c.config.rawBucket, Key: key, Body: gzip, ContentEncoding: 'gzip', Metadata: { 'upload-id': 'an-earlier-attempt' } }));
  const accepted = await acceptUpload(c, { installId, queryType: 'event-counts', body: plainUploadJson(json), now: new Date() });
  expect(accepted.status).toBe(201);
  expect((await getUpload(c, accepted.receipt.uploadId))!.rawKey).toBe(key);
  expect((await headOf(key)).uploadId).toBe('an-earlier-attempt');
  await expectDurable(c, accepted.receipt);
  await expectExactlyOnce(c, installId, [accepted.receipt]);
});

it('the local S3 answers conditional PUTs as S3 does: 412 when the key exists', async () => {
  const Key = `raw/conditional-${Date.now()}`;
  const put = () => s3Of(c).send(new PutObjectCommand({ Bucket: c.config.rawBucket, Key, Body: 'x', IfNoneMatch: '*' }));
  await put();
  await expect(put()).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
});

it('a key busy for a while (409 on the first tries, as while another write is in flight) is waited for: 201', async () => {
  const installId = await newInstall(c, 'archive');
  const json = sampleJson('call-quality', minutesAgo(12));
  const faults = injectFaults(c, [{ command: 'PutObjectCommand', mode: 'conflict', times: 3 }]);
  try {
    const accepted = await acceptUpload(c, { installId, queryType: 'call-quality', body: plainUploadJson(json), now: new Date() });
    expect(accepted.status).toBe(201);
    expect(faults.calls.PutObjectCommand).toBe(4);
    await expectDurable(c, accepted.receipt);
    await expectExactlyOnce(c, installId, [accepted.receipt]);
  } finally {
    faults.remove();
  }
});

it('a key kept busy past the wait (409 on every try) answers 429 throttled with Retry-After, never the S3 error; its retry succeeds', async () => {
  const installId = await newInstall(c, 'archive');
  const json = sampleJson('probes', minutesAgo(11));
  const busy = injectFaults(c, [{ command: 'PutObjectCommand', mode: 'conflict', times: Number.POSITIVE_INFINITY }]);
  let refused: unknown;
  try {
    refused = await acceptUpload(c, { installId, queryType: 'probes', body: plainUploadJson(json), now: new Date() }).catch((error: unknown) => error);
  } finally {
    busy.remove();
  }
  expect(refused).toMatchObject({ name: 'ProblemError', problem: { status: 429, code: 'throttled' }, headers: { 'retry-after': '1' } });
  await expectExactlyOnce(c, installId, []);
  const retried = await acceptUpload(c, { installId, queryType: 'probes', body: plainUploadJson(json), now: new Date() });
  expect(retried.status).toBe(201);
  await expectExactlyOnce(c, installId, [retried.receipt]);
}, 30_000);

it('racing copies whose first archive write answers late (latency after it reached S3): one 201, the rest 200, stored once', async () => {
  const installId = await newInstall(c, 'archive');
  const json = sampleJson('completed-schedules', minutesAgo(13));
  const slow = injectFaults(c, [{ command: 'PutObjectCommand', mode: 'latency', afterSend: true, delayMs: 300 }]);
  try {
    const answered = await Promise.all(Array.from({ length: 8 }, () => acceptUpload(c, { installId, queryType: 'completed-schedules', body: plainUploadJson(json), now: new Date() })));
    expect(answered.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answered.map((a) => a.receipt.uploadId)).size).toBe(1);
    expect(slow.calls.PutObjectCommand).toBeGreaterThanOrEqual(8);
    await expectExactlyOnce(c, installId, answered.map((a) => a.receipt));
  } finally {
    slow.remove();
  }
});
