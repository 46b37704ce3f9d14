/**
 * POST /v1/uploads/{queryType} over real HTTP against the local API, DynamoDB Local and s3rver.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { DIRECT_BODY_MAX_BYTES } from '../../functions/domain/uploadBody.js';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { queryTypes } from '../../functions/domain/queries/index.js';
import { call, clients, createTestInstall, sample, staffKey, upload } from '../support/localApi.js';
import { useApiWithInstall } from '../support/apiFixture.js';
import { minutesAgo } from '../support/time.js';
import { s3Of } from '../../functions/store/s3Client.js';

const t = useApiWithInstall();

async function rawKeysOf(installId: string): Promise<string[]> {
  const c = clients();
  const listed = await s3Of(c).send(new ListObjectsV2Command({ Bucket: c.config.rawBucket, Prefix: 'raw/' }));
  return (listed.Contents ?? []).map((o) => o.Key!).filter((k) => k.includes(`/install=${installId}/`));
}

describe('accepting uploads', () => {
  it('accepts every one of the twelve query types and shows each summary on the install', async () => {
    const fresh = await createTestInstall(t.api);
    const collectedAt = minutesAgo(10);
    for (const queryType of queryTypes) {
      const result = await upload(t.api, fresh, queryType, sample(queryType, { devices: 40, collectedAt }));
      expect({ queryType, status: result.status }).toEqual({ queryType, status: 201 });
      expect(result.body).toMatchObject({ installId: fresh.installId, queryType, recordCount: expect.any(Number), duplicate: false });
      expect(result.body.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(result.headers.get('location')).toBe(`/v1/uploads/${result.body.uploadId}`);
    }
    const shown = await call(t.api, 'GET', `/v1/installs/${fresh.installId}`, { key: staffKey() });
    expect(shown.status).toBe(200);
    expect(Object.keys(shown.body.queries).sort()).toEqual([...queryTypes].sort());
    expect(shown.body.queries.devices).toMatchObject({ recordCount: 40, summary: { total: 40, byIdentifier: expect.any(Object) } });
    expect(shown.body.queries['user-counts'].summary).toEqual(sample('user-counts', { devices: 40, collectedAt }).records[0]);
    expect(shown.body.lastSeenAt).not.toBeNull();
    expect(await rawKeysOf(fresh.installId)).toHaveLength(12);
  });

  it('archives the raw payload as gzip JSON under a Hive-style key', async () => {
    const fresh = await createTestInstall(t.api);
    const envelope = sample('probes', { collectedAt: minutesAgo(5) });
    const result = await upload(t.api, fresh, 'probes', envelope);
    expect(result.status).toBe(201);
    const [key] = await rawKeysOf(fresh.installId);
    expect(key).toMatch(new RegExp(`^raw/query=probes/install=${fresh.installId}/dt=\\d{4}-\\d{2}-\\d{2}/[0-9TZ.]+_[0-9a-f]{32}\\.json\\.gz$`));
    const c = clients();
    const object = await s3Of(c).send(new GetObjectCommand({ Bucket: c.config.rawBucket, Key: key }));
    const bytes = Buffer.from(await object.Body!.transformToByteArray());
    const { gunzipSync } = await import('node:zlib');
    expect(JSON.parse(gunzipSync(bytes).toString())).toEqual(envelope);
  });

  it('accepts gzip bodies and archives the bytes as received', async () => {
    const fresh = await createTestInstall(t.api);
    const envelope = sample('devices', { devices: 200, collectedAt: minutesAgo(5) });
    const gz = gzipSync(JSON.stringify(envelope));
    const result = await call(t.api, 'POST', '/v1/uploads/devices', { key: fresh.apiKey, raw: gz, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
    expect(result.status).toBe(201);
    expect(result.body.recordCount).toBe(200);
    const c = clients();
    const [key] = await rawKeysOf(fresh.installId);
    const object = await s3Of(c).send(new GetObjectCommand({ Bucket: c.config.rawBucket, Key: key }));
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(gz)).toBe(true);
  });

  it('answers the same snapshot again with 200 and the original receipt, a different one with 409', async () => {
    const fresh = await createTestInstall(t.api);
    const envelope = sample('event-counts', { collectedAt: minutesAgo(30) });
    const first = await upload(t.api, fresh, 'event-counts', envelope);
    expect(first.status).toBe(201);
    const again = await upload(t.api, fresh, 'event-counts', envelope, { gzip: true });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, duplicate: true });
    const changed = structuredClone(envelope);
    changed.records[0]!.events = 123456;
    const conflict = await upload(t.api, fresh, 'event-counts', changed);
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('conflict');
    expect(conflict.headers.get('content-type')).toBe('application/problem+json');
    // Nothing of the conflicting upload was kept.
    expect(await rawKeysOf(fresh.installId)).toHaveLength(1);
    // The same instant written with another offset is the same snapshot.
    const offset = { ...envelope, collectedAt: new Date(Date.parse(envelope.collectedAt)).toISOString().replace('Z', '+00:00') };
    expect((await upload(t.api, fresh, 'event-counts', offset)).status).toBe(409);
  });

  it('gives exactly one 201 when eight identical uploads race', async () => {
    const fresh = await createTestInstall(t.api);
    const envelope = sample('device-license-states', { devices: 300, collectedAt: minutesAgo(3) });
    const results = await Promise.all(Array.from({ length: 8 }, () => upload(t.api, fresh, 'device-license-states', envelope)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.uploadId)).size).toBe(1);
    const listed = await call(t.api, 'GET', `/v1/installs/${fresh.installId}/uploads`, { key: staffKey() });
    expect(listed.body.items).toHaveLength(1);
    expect(await rawKeysOf(fresh.installId)).toHaveLength(1);
  });

  it('archives an older snapshot without changing the current summary', async () => {
    const fresh = await createTestInstall(t.api);
    const newer = sample('licensing-counts', { devices: 100, collectedAt: minutesAgo(60) });
    const older = sample('licensing-counts', { devices: 10, collectedAt: minutesAgo(24 * 60) });
    expect((await upload(t.api, fresh, 'licensing-counts', newer)).status).toBe(201);
    const late = await upload(t.api, fresh, 'licensing-counts', older);
    expect(late.status).toBe(201);
    const shown = await call(t.api, 'GET', `/v1/installs/${fresh.installId}`, { key: staffKey() });
    expect(shown.body.queries['licensing-counts'].collectedAt).toBe(new Date(newer.collectedAt).toISOString());
    expect(shown.body.queries['licensing-counts'].summary.items['IPT users']).toBe(100);
    const listed = await call(t.api, 'GET', `/v1/installs/${fresh.installId}/uploads?queryType=licensing-counts`, { key: staffKey() });
    expect(listed.body.items.map((r: { uploadId: string }) => r.uploadId)).toEqual([late.body.uploadId, expect.any(String)]);
    expect(await rawKeysOf(fresh.installId)).toHaveLength(2);
  });
});

describe('refusing uploads with a problem, storing nothing', () => {
  const problemOf = async (result: Promise<{ status: number; body: any; headers: Headers }>, status: number, code: string) => {
    const r = await result;
    expect({ status: r.status, code: r.body?.code }).toEqual({ status, code });
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    expect(r.body).toMatchObject({ type: expect.stringContaining(code.replaceAll('_', '-')), title: expect.any(String), detail: expect.any(String) });
    return r.body;
  };
  const post = (path: string, raw: Buffer | string, headers: Record<string, string> = { 'content-type': 'application/json' }, key = t.install.apiKey) =>
    call(t.api, 'POST', path, { key, raw, headers });

  it('invalid_json for malformed JSON, invalid UTF-8 and corrupt gzip', async () => {
    await problemOf(post('/v1/uploads/devices', '{"schemaVersion":1,'), 400, 'invalid_json');
    await problemOf(post('/v1/uploads/devices', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 400, 'invalid_json');
    await problemOf(post('/v1/uploads/devices', Buffer.from('not gzip at all'), { 'content-type': 'application/json', 'content-encoding': 'gzip' }), 400, 'invalid_json');
  });

  it('validation_failed for deeply nested JSON, without crashing', async () => {
    const depth = 200_000;
    const nested = `{"schemaVersion":1,"collectedAt":"${minutesAgo(1)}","mpaVersion":"3","records":[${'['.repeat(depth)}${']'.repeat(depth)}]}`;
    const body = await problemOf(post('/v1/uploads/devices', nested), 400, 'validation_failed');
    expect(body.errors[0].path).toBe('records[0]');
    expect((await call(t.api, 'GET', '/health')).status).toBe(200);
  });

  it('validation_failed with JSON paths, at most 100 of them', async () => {
    const envelope = sample('device-license-states', { devices: 300, collectedAt: minutesAgo(1) });
    for (const record of envelope.records) record.licensed = 'yes';
    const body = await problemOf(upload(t.api, t.install, 'device-license-states', envelope), 400, 'validation_failed');
    expect(body.errors).toHaveLength(100);
    expect(body.errors[41]).toEqual({ path: 'records[41].licensed', message: expect.any(String) });
  });

  it('pii_detected for an e-mail address anywhere or a non-token identifier', async () => {
    const envelope = sample('devices', { collectedAt: minutesAgo(1) });
    envelope.records[3]!.serialNumber = 'jane.doe@example.com';
    const body = await problemOf(upload(t.api, t.install, 'devices', envelope), 400, 'pii_detected');
    expect(body.errors).toEqual([{ path: 'records[3].serialNumber', message: expect.any(String) }]);
    expect(JSON.stringify(body)).not.toContain('jane.doe');
    const token = sample('user-actions', { collectedAt: minutesAgo(1) });
    token.records[0]!.userHash = 'Jane Doe';
    await problemOf(upload(t.api, t.install, 'user-actions', token), 400, 'pii_detected');
  });

  it('unknown_query_type, unsupported_media_type and payload_too_large', async () => {
    await problemOf(post('/v1/uploads/phone-numbers', '{}'), 404, 'unknown_query_type');
    await problemOf(post('/v1/uploads/devices', '{}', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
    await problemOf(post('/v1/uploads/devices', '{}', { 'content-type': 'application/json', 'content-encoding': 'br' }), 415, 'unsupported_media_type');
    // The one direct limit, 4 MiB as sent (DESIGN.md §3); the detail names upload sessions.
    const tooLarge = await problemOf(post('/v1/uploads/devices', Buffer.alloc(DIRECT_BODY_MAX_BYTES + 1, 0x20)), 413, 'payload_too_large');
    expect(tooLarge.detail).toMatch(/upload session \(POST \/v1\/upload-sessions/);
    const gzipTooLarge = await problemOf(post('/v1/uploads/devices', randomBytes(DIRECT_BODY_MAX_BYTES + 1), { 'content-type': 'application/json', 'content-encoding': 'gzip' }), 413, 'payload_too_large');
    expect(gzipTooLarge.detail).toMatch(/upload session/);
  });

  it('payload_too_large for a gzip bomb, detected while inflating', async () => {
    // 101 MiB of spaces compress to about 100 KB.
    const bomb = gzipSync(Buffer.alloc(101 * 1024 * 1024, 0x20), { level: 9 });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const inflated = await problemOf(post('/v1/uploads/devices', bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' }), 413, 'payload_too_large');
    // DESIGN.md §3: over 100 MB decompressed, too, the 413's detail names upload sessions.
    expect(inflated.detail).toMatch(/inflates to more than 104857600 bytes.*upload session \(POST \/v1\/upload-sessions, kind "query"\)/);
  });

  it('unauthorized without a valid key, forbidden for the wrong role', async () => {
    const envelope = sample('probes', { collectedAt: minutesAgo(1) });
    await problemOf(upload(t.api, { ...t.install, apiKey: `mpai_${'x'.repeat(43)}` }, 'probes', envelope), 401, 'unauthorized');
    await problemOf(call(t.api, 'POST', '/v1/uploads/probes', { body: envelope }), 401, 'unauthorized');
    await problemOf(upload(t.api, { ...t.install, apiKey: staffKey() }, 'probes', envelope), 403, 'forbidden');
  });

  it('stored nothing for any of them', async () => {
    expect(await rawKeysOf(t.install.installId)).toEqual([]);
    const listed = await call(t.api, 'GET', `/v1/installs/${t.install.installId}/uploads`, { key: staffKey() });
    expect(listed.body.items).toEqual([]);
  });
});
