/**
 * Upload sessions end to end against s3rver: POST /v1/upload-sessions over HTTP, the real
 * presigned PUT to s3rver, then the processor Lambda handler given the SQS message that
 * S3 → SQS would deliver (test/support/processorHook.ts), and GET /v1/uploads/{uploadId}.
 */
import { gzipSync } from 'node:zlib';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { putPresigned } from '../../functions/cli/apiClient.js';
import { incomingKey } from '../../functions/sessions/incomingKeys.js';
import { sqsEventOf } from '../../functions/sessions/s3Events.js';
import { sampleBundle } from '../support/bundles.js';
import { injectFaults } from '../support/faults.js';
import { interceptSdkCalls } from '../support/sdkCalls.js';
import { useApiWithInstall } from '../support/apiFixture.js';
import { call, clients, createTestInstall, sample, staffKey, type TestInstall, upload } from '../support/localApi.js';
import { minutesAgo } from '../support/time.js';
import { deliverObjectCreated, objectCreatedNotification, processIncoming } from '../support/processorHook.js';
import { s3Of } from '../../functions/store/s3Client.js';

const MiB = 1024 * 1024;
const t = useApiWithInstall();

function openSession(who: TestInstall, body: unknown) {
  return call(t.api, 'POST', '/v1/upload-sessions', { key: who.apiKey, body });
}

/** Opens a query session for the envelope (gzip), PUTs it to s3rver; answers the session. */
async function putQuery(who: TestInstall, queryType: string, envelope: unknown, options: { gzip?: boolean } = {}) {
  const json = Buffer.from(JSON.stringify(envelope));
  const body = options.gzip === false ? json : gzipSync(json);
  const session = await openSession(who, { kind: 'query', queryType, contentLength: body.length, ...(options.gzip === false ? {} : { contentEncoding: 'gzip' }) });
  expect(session.status).toBe(201);
  await putPresigned(session.body, body);
  return session.body as { uploadId: string; url: string; headers: Record<string, string>; expiresAt: string };
}

const statusOf = (who: { apiKey: string }, uploadId: string) => call(t.api, 'GET', `/v1/uploads/${uploadId}`, { key: who.apiKey });

async function incomingExists(uploadId: string): Promise<boolean> {
  const c = clients();
  return s3Of(c).send(new HeadObjectCommand({ Bucket: c.config.incomingBucket, Key: incomingKey(uploadId) })).then(
    () => true,
    () => false,
  );
}

async function receiptsOf(who: TestInstall, queryType: string) {
  const listed = await call(t.api, 'GET', `/v1/installs/${who.installId}/uploads?queryType=${queryType}`, { key: staffKey() });
  return listed.body.items as { uploadId: string }[];
}

describe('POST /v1/upload-sessions', () => {
  it('answers a presigned PUT with the size, type and encoding signed, and a pending upload', async () => {
    const before = Date.now();
    const answer = await openSession(t.install, { kind: 'query', queryType: 'devices', contentLength: 12345, contentEncoding: 'gzip' });
    expect(answer.status).toBe(201);
    const { uploadId, url, method, headers, expiresAt } = answer.body;
    expect(uploadId).toMatch(/^[0-9a-f-]{36}$/);
    expect(method).toBe('PUT');
    expect(headers).toEqual({ 'content-length': '12345', 'content-type': 'application/json', 'content-encoding': 'gzip' });
    const signed = new URL(url);
    expect(signed.pathname).toMatch(new RegExp(`/incoming/${uploadId}$`));
    expect(signed.searchParams.get('X-Amz-SignedHeaders')).toBe('content-encoding;content-length;content-type;host');
    expect(signed.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(Date.parse(expiresAt) - before).toBeGreaterThanOrEqual(899_000);
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(900_000);
    expect(answer.headers.get('location')).toBe(`/v1/uploads/${uploadId}`);
    const status = await statusOf(t.install, uploadId);
    expect(status.body).toEqual({ uploadId, status: 'pending' });
    expect((await statusOf(await createTestInstall(t.api), uploadId)).status).toBe(404);
    expect((await call(t.api, 'GET', `/v1/uploads/${uploadId}`, { key: staffKey() })).body.status).toBe('pending');
  });

  it('refuses bad requests with problems', async () => {
    const cases: [unknown, number, string][] = [
      [{ kind: 'folder', contentLength: 10 }, 400, 'validation_failed'],
      [{ kind: 'query', queryType: 'devices', contentLength: 0 }, 400, 'validation_failed'],
      [{ kind: 'bundle', contentLength: 10, contentEncoding: 'gzip' }, 400, 'validation_failed'],
      [{ kind: 'query', queryType: 'phone-books', contentLength: 10 }, 404, 'unknown_query_type'],
      [{ kind: 'bundle', contentLength: 1024 * MiB + 1 }, 413, 'payload_too_large'],
      [{ kind: 'query', queryType: 'devices', contentLength: 500 * MiB + 1 }, 413, 'payload_too_large'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await openSession(t.install, body);
      expect({ body, status: answer.status, code: answer.body.code }).toEqual({ body, status, code });
    }
    expect((await openSession(t.install, { kind: 'query', queryType: 'devices', contentLength: 500 * MiB + 1, contentEncoding: 'gzip' })).status).toBe(201);
    expect((await call(t.api, 'POST', '/v1/upload-sessions', { key: staffKey(), body: { kind: 'bundle', contentLength: 10 } })).status).toBe(403);
    const optedOut = await createTestInstall(t.api);
    await call(t.api, 'PUT', '/v1/usage-collection', { key: optedOut.apiKey, body: { enabled: false } });
    expect((await openSession(optedOut, { kind: 'query', queryType: 'user-actions', contentLength: 10 })).body.code).toBe('usage_collection_disabled');
  });
});

describe('processing a query session', () => {
  it('pending → accepted once the object is processed; the incoming object is then deleted', async () => {
    const envelope = sample('devices', { devices: 25, collectedAt: minutesAgo(40) });
    const session = await putQuery(t.install, 'devices', envelope);
    expect((await statusOf(t.install, session.uploadId)).body.status).toBe('pending');
    expect(await incomingExists(session.uploadId)).toBe(true);

    expect(await deliverObjectCreated(incomingKey(session.uploadId))).toEqual({ batchItemFailures: [] });

    const status = await statusOf(t.install, session.uploadId);
    expect(status.body).toEqual({
      uploadId: session.uploadId,
      status: 'accepted',
      receipt: expect.objectContaining({ uploadId: session.uploadId, queryType: 'devices', recordCount: 25, duplicate: false }),
    });
    expect(await incomingExists(session.uploadId)).toBe(false);
    expect((await receiptsOf(t.install, 'devices')).map((r) => r.uploadId)).toContain(session.uploadId);
  });

  it('accepts an uncompressed body as well', async () => {
    const session = await putQuery(t.install, 'licensing-counts', sample('licensing-counts', { collectedAt: minutesAgo(41) }), { gzip: false });
    await deliverObjectCreated(incomingKey(session.uploadId));
    expect((await statusOf(t.install, session.uploadId)).body.status).toBe('accepted');
  });

  it('a bad body → rejected with its problem; the object is deleted', async () => {
    const envelope = sample('containers', { collectedAt: minutesAgo(42) });
    (envelope.records[0] as Record<string, unknown>).parentId = 'not a token!';
    const session = await putQuery(t.install, 'containers', envelope);
    await deliverObjectCreated(incomingKey(session.uploadId));
    const status = await statusOf(t.install, session.uploadId);
    expect(status.body).toEqual({
      uploadId: session.uploadId,
      status: 'rejected',
      problem: expect.objectContaining({ status: 400, code: 'pii_detected', errors: [{ path: 'records[0].parentId', message: expect.any(String) }] }),
    });
    expect(await incomingExists(session.uploadId)).toBe(false);

    const notGzip = await openSession(t.install, { kind: 'query', queryType: 'probes', contentLength: 5, contentEncoding: 'gzip' });
    await putPresigned(notGzip.body, Buffer.from('hello'));
    await deliverObjectCreated(incomingKey(notGzip.body.uploadId));
    expect((await statusOf(t.install, notGzip.body.uploadId)).body.problem.code).toBe('invalid_json');
  });

  it('the same event delivered twice, or twice at once, makes one upload', async () => {
    const envelope = sample('event-counts', { collectedAt: minutesAgo(43) });
    const session = await putQuery(t.install, 'event-counts', envelope);
    const notification = await objectCreatedNotification(incomingKey(session.uploadId));
    const [a, b] = await Promise.all([processIncoming(sqsEventOf(notification)), processIncoming(sqsEventOf(notification))]);
    expect([a, b]).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    expect(await processIncoming(sqsEventOf(notification))).toEqual({ batchItemFailures: [] });
    expect((await statusOf(t.install, session.uploadId)).body.status).toBe('accepted');
    expect((await receiptsOf(t.install, 'event-counts')).filter((r) => r.uploadId === session.uploadId)).toHaveLength(1);
    expect(await receiptsOf(t.install, 'event-counts')).toHaveLength(1);
  });

  it('an event that comes before its object, or after it is gone, changes nothing', async () => {
    const json = gzipSync(JSON.stringify(sample('user-counts', { collectedAt: minutesAgo(44) })));
    const session = await openSession(t.install, { kind: 'query', queryType: 'user-counts', contentLength: json.length, contentEncoding: 'gzip' });
    const key = incomingKey(session.body.uploadId);
    expect(await deliverObjectCreated(key)).toEqual({ batchItemFailures: [] });
    expect((await statusOf(t.install, session.body.uploadId)).body.status).toBe('pending');
    await putPresigned(session.body, json);
    await deliverObjectCreated(key);
    expect((await statusOf(t.install, session.body.uploadId)).body.status).toBe('accepted');
    expect(await deliverObjectCreated(key)).toEqual({ batchItemFailures: [] });
  });

  it('a snapshot that was already accepted → accepted as a duplicate with the original receipt', async () => {
    const envelope = sample('probes', { collectedAt: minutesAgo(45) });
    const direct = await upload(t.api, t.install, 'probes', envelope);
    expect(direct.status).toBe(201);
    const session = await putQuery(t.install, 'probes', envelope);
    await deliverObjectCreated(incomingKey(session.uploadId));
    const status = await statusOf(t.install, session.uploadId);
    expect(status.body).toMatchObject({ status: 'accepted', receipt: { ...direct.body, duplicate: true } });
  });

  it('refuses an object of another size than the session declared (where S3 would refuse the PUT)', async () => {
    const session = await openSession(t.install, { kind: 'query', queryType: 'devices', contentLength: 100, contentEncoding: 'gzip' });
    // s3rver does not check SigV4 signatures; S3 would answer 403 SignatureDoesNotMatch.
    await putPresigned({ url: session.body.url, headers: { ...session.body.headers, 'content-length': '30' } }, gzipSync('{}'));
    await deliverObjectCreated(incomingKey(session.body.uploadId));
    expect((await statusOf(t.install, session.body.uploadId)).body.problem).toMatchObject({ code: 'validation_failed', errors: [{ path: 'contentLength' }] });
  });

  it('a failure of storage fails that message alone, leaves the upload pending, and a retry completes it', async () => {
    const session = await putQuery(t.install, 'device-versions', sample('device-versions', { collectedAt: minutesAgo(46) }));
    const faults = injectFaults(clients(), [{ command: 'TransactWriteItemsCommand' }]);
    const bad = sqsEventOf({ Records: [] });
    bad.Records[0]!.body = 'not json';
    const good = sqsEventOf(await objectCreatedNotification(incomingKey(session.uploadId)));
    const test = sqsEventOf({ Records: [] });
    test.Records[0]!.body = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent' });
    const answer = await processIncoming({ Records: [bad.Records[0]!, good.Records[0]!, test.Records[0]!] }).finally(faults.remove);
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: bad.Records[0]!.messageId }, { itemIdentifier: good.Records[0]!.messageId }]);
    expect(faults.calls.TransactWriteItemsCommand).toBe(1);
    expect((await statusOf(t.install, session.uploadId)).body.status).toBe('pending');
    expect(await incomingExists(session.uploadId)).toBe(true);
    expect(await processIncoming(good)).toEqual({ batchItemFailures: [] });
    expect((await statusOf(t.install, session.uploadId)).body.status).toBe('accepted');
  });

  it('ignores objects outside incoming/ and of other buckets', async () => {
    const c = clients();
    const other = sqsEventOf({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: c.config.rawBucket }, object: { key: 'incoming/x' } } }] });
    const elsewhere = sqsEventOf({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: c.config.incomingBucket }, object: { key: 'elsewhere/x' } } }] });
    expect(await processIncoming({ Records: [...other.Records, ...elsewhere.Records] })).toEqual({ batchItemFailures: [] });
  });
});

describe('processing a bundle session', () => {
  it('pending → accepted with each file’s result, as POST /v1/bundles would answer', async () => {
    const owner = await createTestInstall(t.api);
    const zip = await sampleBundle({ installId: owner.installId, collectedAt: minutesAgo(50), queryTypes: ['devices', 'containers', 'user-counts'] });
    const session = await openSession(owner, { kind: 'bundle', contentLength: zip.length });
    expect(session.body.headers).toEqual({ 'content-length': String(zip.length), 'content-type': 'application/zip' });
    await putPresigned(session.body, zip);
    expect((await statusOf(owner, session.body.uploadId)).body).toEqual({ uploadId: session.body.uploadId, status: 'pending' });
    await deliverObjectCreated(incomingKey(session.body.uploadId));
    const status = await statusOf(owner, session.body.uploadId);
    expect(status.body).toMatchObject({
      status: 'accepted',
      bundle: { bundleId: expect.stringMatching(/^[0-9a-f]{64}$/), installId: owner.installId, results: [{ queryType: 'devices', status: 'accepted' }, { queryType: 'containers', status: 'accepted' }, { queryType: 'user-counts', status: 'accepted' }] },
    });
    expect(await incomingExists(session.body.uploadId)).toBe(false);
    const direct = await call(t.api, 'POST', '/v1/bundles', { key: owner.apiKey, raw: zip, headers: { 'content-type': 'application/zip' } });
    expect(direct.body.bundleId).toBe(status.body.bundle.bundleId);
    expect(direct.body.results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
  });

  it("→ rejected when the bundle is invalid or another install's", async () => {
    const owner = await createTestInstall(t.api);
    const other = await createTestInstall(t.api);
    const zip = await sampleBundle({ installId: other.installId, collectedAt: minutesAgo(51), queryTypes: ['user-counts'] });
    for (const [body, code] of [
      [zip, 'forbidden'],
      [Buffer.from('not a zip file'), 'invalid_bundle'],
    ] as const) {
      const session = await openSession(owner, { kind: 'bundle', contentLength: body.length });
      await putPresigned(session.body, body);
      await deliverObjectCreated(incomingKey(session.body.uploadId));
      expect((await statusOf(owner, session.body.uploadId)).body).toMatchObject({ status: 'rejected', problem: { code } });
    }
  });
});

describe('opting out of usage collection', () => {
  it('forgets what settled sessions hold of the optional types: a duplicate session answers 404, a bundle keeps its statuses without those receipts', async () => {
    const owner = await createTestInstall(t.api);
    // A call-quality snapshot, then the same bytes again through a query session: a duplicate.
    const envelope = sample('call-quality', { collectedAt: minutesAgo(40) });
    expect((await upload(t.api, owner, 'call-quality', envelope)).status).toBe(201);
    const duplicate = await putQuery(owner, 'call-quality', envelope);
    await deliverObjectCreated(incomingKey(duplicate.uploadId));
    expect((await statusOf(owner, duplicate.uploadId)).body).toMatchObject({ status: 'accepted', receipt: { queryType: 'call-quality', duplicate: true } });
    // A bundle session with an optional and a required file.
    const zip = await sampleBundle({ installId: owner.installId, collectedAt: minutesAgo(30), queryTypes: ['devices', 'user-actions'] });
    const bundle = await openSession(owner, { kind: 'bundle', contentLength: zip.length });
    await putPresigned(bundle.body, zip);
    await deliverObjectCreated(incomingKey(bundle.body.uploadId));
    const before = (await statusOf(owner, bundle.body.uploadId)).body;
    expect(before.bundle.results.map((r: { queryType: string; receipt?: unknown }) => [r.queryType, r.receipt !== undefined])).toEqual([['devices', true], ['user-actions', true]]);

    expect((await call(t.api, 'PUT', '/v1/usage-collection', { key: owner.apiKey, body: { enabled: false } })).status).toBe(200);

    expect((await statusOf(owner, duplicate.uploadId)).status).toBe(404);
    const after = (await statusOf(owner, bundle.body.uploadId)).body;
    expect(after.status).toBe('accepted');
    expect(after.bundle.results).toEqual([before.bundle.results[0], { queryType: 'user-actions', status: 'accepted' }]);
  });

  it('forgets them too when the session settles after the opt-out ran (its files committed before)', async () => {
    const owner = await createTestInstall(t.api);
    const zip = await sampleBundle({ installId: owner.installId, collectedAt: minutesAgo(25), queryTypes: ['devices', 'user-actions'] });
    const bundle = await openSession(owner, { kind: 'bundle', contentLength: zip.length });
    await putPresigned(bundle.body, zip);
    // The opt-out completes once the bundle's files are committed, before the session's results are written.
    let optedOut = false;
    const hook = interceptSdkCalls(clients(), async ({ command, input }, send) => {
      if (command === 'UpdateItemCommand' && !optedOut && String(input.UpdateExpression).includes('bundle = :bundle')) {
        optedOut = true;
        expect((await call(t.api, 'PUT', '/v1/usage-collection', { key: owner.apiKey, body: { enabled: false } })).status).toBe(200);
      }
      return send();
    });
    try {
      await deliverObjectCreated(incomingKey(bundle.body.uploadId));
    } finally {
      hook.remove();
    }
    expect(optedOut).toBe(true);
    const after = (await statusOf(owner, bundle.body.uploadId)).body;
    expect(after.bundle.results).toEqual([expect.objectContaining({ queryType: 'devices', status: 'accepted', receipt: expect.anything() }), { queryType: 'user-actions', status: 'accepted' }]);
  });
});
