/** Opting out of usage data collection refuses the optional types and deletes what was stored of them. */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { optionalQueryTypes, queryTypes } from '../../functions/domain/queries/index.js';
import { call, clients, createTestInstall, sample, startTestApi, staffKey, type TestApi, upload } from '../support/localApi.js';
import { minutesAgo } from '../support/time.js';
import { s3Of } from '../../functions/store/s3Client.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

async function storedQueryTypes(installId: string) {
  const c = clients();
  const objects = await s3Of(c).send(new ListObjectsV2Command({ Bucket: c.config.rawBucket, Prefix: 'raw/' }));
  const raw = (objects.Contents ?? []).map((o) => o.Key!).filter((k) => k.includes(`/install=${installId}/`)).map((k) => /query=([^/]+)/.exec(k)![1]);
  const items = await c.ddb.send(new QueryCommand({ TableName: c.config.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `INSTALL#${installId}` } }));
  const snapshots = (items.Items ?? []).filter((i) => i.type === 'snapshot' || i.type === 'latest').map((i) => (i.SK as string).split('#')[1]);
  const log = await call(api, 'GET', `/v1/installs/${installId}/uploads?limit=1000`, { key: staffKey() });
  return { raw: new Set(raw), snapshots: new Set(snapshots), log: new Set(log.body.items.map((r: { queryType: string }) => r.queryType)) };
}

describe('usage data collection', () => {
  it('is enabled by default, and opting out deletes the optional data, raw and aggregated', async () => {
    const install = await createTestInstall(api);
    const other = await createTestInstall(api);
    for (const queryType of queryTypes) {
      expect((await upload(api, install, queryType, sample(queryType, { collectedAt: minutesAgo(20) }))).status).toBe(201);
    }
    for (const queryType of optionalQueryTypes) {
      expect((await upload(api, other, queryType, sample(queryType, { collectedAt: minutesAgo(20) }))).status).toBe(201);
    }
    const before = await storedQueryTypes(install.installId);
    expect(before.raw.size).toBe(12);

    const optOut = await call(api, 'PUT', '/v1/usage-collection', { key: install.apiKey, body: { enabled: false } });
    expect(optOut.status).toBe(200);
    expect(optOut.body).toEqual({ enabled: false });

    const after = await storedQueryTypes(install.installId);
    const mandatory = queryTypes.filter((t) => !optionalQueryTypes.includes(t));
    for (const stored of [after.raw, after.snapshots, after.log]) expect([...stored].sort()).toEqual([...mandatory].sort());
    const shown = await call(api, 'GET', `/v1/installs/${install.installId}`, { key: staffKey() });
    expect(shown.body.usageCollection).toEqual({ enabled: false });
    expect(Object.keys(shown.body.queries).sort()).toEqual([...mandatory].sort());
    // Another install's optional data is untouched.
    expect((await storedQueryTypes(other.installId)).raw.size).toBe(3);

    for (const queryType of optionalQueryTypes) {
      const refused = await upload(api, install, queryType, sample(queryType, { collectedAt: minutesAgo(5) }));
      expect({ queryType, status: refused.status, code: refused.body.code }).toEqual({ queryType, status: 403, code: 'usage_collection_disabled' });
    }
    expect((await upload(api, install, 'devices', sample('devices', { collectedAt: minutesAgo(5) }))).status).toBe(201);

    const optIn = await call(api, 'PUT', '/v1/usage-collection', { key: install.apiKey, body: { enabled: true } });
    expect(optIn.body).toEqual({ enabled: true });
    expect((await upload(api, install, 'user-actions', sample('user-actions', { collectedAt: minutesAgo(5) }))).status).toBe(201);
  });

  it('validates the request and is for install keys only', async () => {
    const install = await createTestInstall(api);
    expect((await call(api, 'PUT', '/v1/usage-collection', { key: install.apiKey, body: { enabled: 'no' } })).body.code).toBe('validation_failed');
    expect((await call(api, 'PUT', '/v1/usage-collection', { key: install.apiKey, body: { enabled: true, more: 1 } })).body.code).toBe('validation_failed');
    expect((await call(api, 'PUT', '/v1/usage-collection', { key: staffKey(), body: { enabled: false } })).status).toBe(403);
    expect((await call(api, 'PUT', '/v1/usage-collection', { body: { enabled: false } })).status).toBe(401);
  });
});
