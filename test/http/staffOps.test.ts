/**
 * Staff operations over real HTTP (DESIGN.md §10–11): the two listings, named staff keys,
 * install lifecycle and the audit trail — including, generated from the route table, the audit
 * entry of every staff write route, so a new write route without its entry fails here.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { routes } from '../../functions/routes.js';
import { putPresigned } from '../../functions/cli/apiClient.js';
import { itemKeys, uploadIndexPartition } from '../../functions/domain/storageKeys.js';
import { incomingKey } from '../../functions/sessions/incomingKeys.js';
import { s3Of } from '../../functions/store/s3Client.js';
import { sampleBundle } from '../support/bundles.js';
import { uploadEveryType } from '../support/licensing.js';
import { call, clients, createTestInstall, fleetIndexesIdle, sample, startTestApi, staffKey, type TestApi, upload } from '../support/localApi.js';
import { deliverObjectCreated } from '../support/processorHook.js';
import { minutesAgo } from '../support/time.js';

let api: TestApi;
beforeAll(async () => {
  // The deployed authorizer cache (60 s): a revoked or decommissioned key is refused at once
  // all the same, since those writes flush it (test/http/revocation.test.ts).
  api = await startTestApi();
});
afterAll(() => api.close());

const run = `${process.pid}-${Date.now() % 100000}`;

async function auditOf(target: string, key = staffKey()) {
  const answer = await call(api, 'GET', `/v1/audit?target=${encodeURIComponent(target)}`, { key });
  expect(answer.status).toBe(200);
  return answer.body.items as { at: string; actor: string; action: string; target: string; details: Record<string, unknown> }[];
}

describe('listings', () => {
  it('lists customers by id, narrowed by prefix, with install counts and last upload, page by page', async () => {
    // Pages of two: [a, a.x] and [a.x.y, b]. Each id begins the next; each page's last customer has an upload.
    const ids = { a: `lc${run}-a`, ax: `lc${run}-a.x`, axy: `lc${run}-a.x.y`, b: `lc${run}-b` };
    const first = await createTestInstall(api, ids.b);
    const second = await createTestInstall(api, ids.b);
    await createTestInstall(api, ids.a);
    const ofAx = await createTestInstall(api, ids.ax);
    const ofAxy = await createTestInstall(api, ids.axy);
    for (const install of [ofAx, ofAxy, first]) expect((await upload(api, install, 'user-counts', sample('user-counts', { collectedAt: minutesAgo(5) }))).status).toBe(201);
    // Later by at least a millisecond: the customer's latest upload is the second install's.
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await upload(api, second, 'user-counts', sample('user-counts', { collectedAt: minutesAgo(5) }))).status).toBe(201);
    const seen: { customerId: string; installs: number; lastSeenAt: string | null }[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await call(api, 'GET', `/v1/customers?prefix=lc${run}-&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { key: staffKey() });
      expect(page.status).toBe(200);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.map((c) => c.customerId)).toEqual([ids.a, ids.ax, ids.axy, ids.b]);
    expect(seen.map((c) => c.installs)).toEqual([1, 1, 1, 2]);
    // Each customer's lastSeenAt is the latest of its own installs' (GET /v1/installs reads the install items).
    const lastSeen = new Map<string, string | null>();
    for (const customerId of Object.values(ids)) {
      const installs: any = await call(api, 'GET', `/v1/installs?customerId=${customerId}`, { key: staffKey() });
      for (const install of installs.body.items) lastSeen.set(install.installId, install.lastSeenAt);
    }
    expect(String(lastSeen.get(second.installId)) > String(lastSeen.get(first.installId))).toBe(true);
    expect(seen.map((c) => c.lastSeenAt)).toEqual([null, lastSeen.get(ofAx.installId), lastSeen.get(ofAxy.installId), lastSeen.get(second.installId)]);
    expect(seen.slice(1).every((c) => typeof c.lastSeenAt === 'string')).toBe(true);
    expect((await call(api, 'GET', '/v1/customers?prefix=has%20space', { key: staffKey() })).status).toBe(400);
  });

  it('lists installs by customer, then name; a rename moves an install', async () => {
    const customer = `li${run}`;
    const made = [];
    for (const name of ['Zulu', 'alpha', 'Mike']) {
      const created = await call(api, 'POST', '/v1/installs', { key: staffKey(), body: { customerId: customer, name } });
      made.push(created.body.installId as string);
    }
    const names = async () => {
      const all: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await call(api, 'GET', `/v1/installs?customerId=${customer}&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { key: staffKey() });
        expect(page.status).toBe(200);
        all.push(...page.body.items.map((i: { name: string }) => i.name));
        cursor = page.body.nextCursor;
      } while (cursor);
      return all;
    };
    expect(await names()).toEqual(['Mike', 'Zulu', 'alpha']);
    const renamed = await call(api, 'PATCH', `/v1/installs/${made[0]}`, { key: staffKey(), body: { name: 'Echo' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ installId: made[0], name: 'Echo', status: 'active' });
    expect(await names()).toEqual(['Echo', 'Mike', 'alpha']);
    const one = await call(api, 'GET', `/v1/installs?customerId=${customer}&limit=1`, { key: staffKey() });
    expect(one.body.items[0]).toEqual({
      installId: made[0],
      customerId: customer,
      name: 'Echo',
      createdAt: expect.any(String),
      lastSeenAt: null,
      usageCollection: { enabled: true },
      status: 'active',
    });
  });
});

describe('named staff keys', () => {
  it('creates, lists, refuses a name clash, revokes at once, and refuses to revoke itself', async () => {
    const name = `jane.${run}@example.com`;
    const created = await call(api, 'POST', '/v1/staff-keys', { key: staffKey(), body: { name, note: 'licensing desk' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ keyId: expect.any(String), name, apiKey: expect.stringMatching(/^mpas_/), createdAt: expect.any(String), createdBy: 'local-admin' });
    const jane = created.body.apiKey as string;
    expect((await call(api, 'POST', '/v1/staff-keys', { key: staffKey(), body: { name } })).status).toBe(409);
    expect((await call(api, 'POST', '/v1/staff-keys', { key: staffKey(), body: { name: 'no spaces allowed' } })).status).toBe(400);
    // The service's own actors are names in use: a key named so would write as them in the audit.
    for (const reserved of ['local-admin', 'aws-operator']) {
      const refused = await call(api, 'POST', '/v1/staff-keys', { key: staffKey(), body: { name: reserved } });
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 409, code: 'conflict' });
    }

    const listed = await call(api, 'GET', '/v1/staff-keys', { key: jane });
    expect(listed.status).toBe(200);
    const mine = listed.body.items.find((k: { keyId: string }) => k.keyId === created.body.keyId);
    expect(mine).toEqual({ keyId: created.body.keyId, name, note: 'licensing desk', createdAt: created.body.createdAt, createdBy: 'local-admin', revokedAt: null });
    expect(listed.text).not.toContain(jane);

    // Jane's actions are hers in the audit trail.
    const install = await call(api, 'POST', '/v1/installs', { key: jane, body: { customerId: `sk${run}`, name: 'By Jane' } });
    expect(install.status).toBe(201);
    expect((await auditOf(`install/${install.body.installId}`)).map((e) => [e.actor, e.action])).toEqual([[name, 'install.create']]);
    const byJane = await call(api, 'GET', `/v1/audit?actor=${encodeURIComponent(name)}`, { key: staffKey() });
    expect(byJane.body.items.map((e: { action: string }) => e.action)).toEqual(['install.create']);

    expect((await call(api, 'DELETE', `/v1/staff-keys/${created.body.keyId}`, { key: jane })).status).toBe(409);
    expect((await call(api, 'DELETE', `/v1/staff-keys/${created.body.keyId}`, { key: staffKey() })).status).toBe(204);
    expect((await call(api, 'GET', '/v1/staff-keys', { key: jane })).status).toBe(401);
    expect((await call(api, 'DELETE', `/v1/staff-keys/${created.body.keyId}`, { key: staffKey() })).status).toBe(204);
    expect((await call(api, 'DELETE', '/v1/staff-keys/nope', { key: staffKey() })).status).toBe(404);
    const after = await call(api, 'GET', '/v1/staff-keys', { key: staffKey() });
    expect(after.body.items.find((k: { keyId: string }) => k.keyId === created.body.keyId).revokedAt).toEqual(expect.any(String));
    // The name is free again once its key is revoked.
    expect((await call(api, 'POST', '/v1/staff-keys', { key: staffKey(), body: { name } })).status).toBe(201);
    expect((await auditOf(`staff-key/${created.body.keyId}`)).map((e) => e.action)).toEqual(['staff-key.revoke', 'staff-key.create']);
  });
});

describe('install lifecycle', () => {
  it('decommissions: the key gets 401, the install leaves the stale and expiring reports; reactivates', async () => {
    const install = await createTestInstall(api, `lifecycle-${run}`);
    expect((await upload(api, install, 'container-license-states', sample('container-license-states', { collectedAt: minutesAgo(3000) }))).status).toBe(201);
    const inStale = async () => JSON.stringify((await call(api, 'GET', '/v1/reports/stale?days=0&limit=1000', { key: staffKey() })).body).includes(install.installId);
    const inExpiring = async () => JSON.stringify((await call(api, 'GET', '/v1/reports/expiring?withinDays=366&limit=1000', { key: staffKey() })).body).includes(install.installId);
    expect(await inStale()).toBe(true);
    expect(await inExpiring()).toBe(true);

    const off = await call(api, 'PATCH', `/v1/installs/${install.installId}`, { key: staffKey(), body: { status: 'decommissioned' } });
    expect(off.status).toBe(200);
    expect(off.body.status).toBe('decommissioned');
    expect((await upload(api, install, 'user-counts', sample('user-counts', { collectedAt: minutesAgo(1) }))).status).toBe(401);
    expect(await inStale()).toBe(false);
    expect(await inExpiring()).toBe(false);
    // Nor does staff send it data while it is retired.
    const zip = await sampleBundle({ installId: install.installId, collectedAt: minutesAgo(20), queryTypes: ['user-counts'] });
    const bundle = await call(api, 'POST', '/v1/bundles', { key: staffKey(), raw: zip, headers: { 'content-type': 'application/zip' } });
    expect({ status: bundle.status, code: bundle.body.code }).toEqual({ status: 409, code: 'conflict' });
    expect(await inStale()).toBe(false);

    const on = await call(api, 'PATCH', `/v1/installs/${install.installId}`, { key: staffKey(), body: { status: 'active' } });
    expect(on.body.status).toBe('active');
    expect(await inStale()).toBe(true);
    expect(await inExpiring()).toBe(true);
    expect((await upload(api, install, 'user-counts', sample('user-counts', { collectedAt: minutesAgo(1) }))).status).toBe(201);
    expect((await auditOf(`install/${install.installId}`)).map((e) => e.action)).toEqual(['install.reactivate', 'install.decommission', 'install.create']);
    expect((await call(api, 'PATCH', `/v1/installs/${install.installId}`, { key: staffKey(), body: {} })).status).toBe(400);
  });

  it('deletes every trace but the audit entries, and answers 204 again', async () => {
    const install = await createTestInstall(api, `purge-${run}`);
    const collectedAt = minutesAgo(10);
    for (const queryType of ['devices', 'user-counts', 'device-versions'] as const) {
      expect((await upload(api, install, queryType, sample(queryType, { collectedAt }))).status).toBe(201);
    }
    // Upload sessions that stay session items: one settled as a duplicate (kept), one never sent (pending).
    const duplicate = await querySession(install, 'user-counts', sample('user-counts', { collectedAt }));
    await deliverObjectCreated(incomingKey(duplicate));
    expect((await call(api, 'GET', `/v1/uploads/${duplicate}`, { key: staffKey() })).body.receipt.duplicate).toBe(true);
    const pending = (await call(api, 'POST', '/v1/upload-sessions', { key: install.apiKey, body: { kind: 'query', queryType: 'devices', contentLength: 100 } })).body.uploadId as string;
    expect((await call(api, 'GET', `/v1/uploads/${pending}`, { key: staffKey() })).body.status).toBe('pending');
    expect((await call(api, 'DELETE', `/v1/installs/${install.installId}`, { key: staffKey() })).status).toBe(204);
    for (const uploadId of [duplicate, pending]) expect((await call(api, 'GET', `/v1/uploads/${uploadId}`, { key: staffKey() })).status).toBe(404);
    expect((await call(api, 'DELETE', `/v1/installs/${install.installId}`, { key: staffKey() })).status).toBe(204);
    expect((await call(api, 'GET', `/v1/installs/${install.installId}`, { key: staffKey() })).status).toBe(404);
    expect((await upload(api, install, 'user-counts', sample('user-counts', { collectedAt: minutesAgo(1) }))).status).toBe(401);
    // A fleet sync of the devices upload may still run in the background: one that read the
    // snapshots before the purge takes its writes back once it sees the install gone
    // (docs/decisions.md), so its traces are gone once the syncs are.
    await fleetIndexesIdle();
    await expectNoTrace(install.installId);
    expect((await auditOf(`install/${install.installId}`)).map((e) => e.action)).toEqual(['install.delete', 'install.create']);
    const customers = await call(api, 'GET', `/v1/customers?prefix=purge-${run}`, { key: staffKey() });
    expect(customers.body.items).toEqual([]);
  });

  it('deletes the install\'s license files, also where they are read by id', async () => {
    const install = await createTestInstall(api, `purge-lic-${run}`);
    await uploadEveryType(api, install, minutesAgo(60));
    const issued = await call(api, 'POST', `/v1/installs/${install.installId}/license-files`, { key: staffKey(), body: {} });
    expect(issued.status).toBe(201);
    expect((await call(api, 'GET', `/v1/license-files/${issued.body.licenseFileId}`, { key: staffKey() })).status).toBe(200);
    expect((await call(api, 'DELETE', `/v1/installs/${install.installId}`, { key: staffKey() })).status).toBe(204);
    expect((await call(api, 'GET', `/v1/license-files/${issued.body.licenseFileId}`, { key: staffKey() })).status).toBe(404);
  });

  it('issues no license file while an install is decommissioned', async () => {
    const install = await createTestInstall(api, `retired-lic-${run}`);
    await uploadEveryType(api, install, minutesAgo(60));
    const path = `/v1/installs/${install.installId}`;
    expect((await call(api, 'PATCH', path, { key: staffKey(), body: { status: 'decommissioned' } })).status).toBe(200);
    const refused = await call(api, 'POST', `${path}/license-files`, { key: staffKey(), body: {} });
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 409, code: 'conflict' });
    expect((await call(api, 'PATCH', path, { key: staffKey(), body: { status: 'active' } })).status).toBe(200);
    expect((await call(api, 'POST', `${path}/license-files`, { key: staffKey(), body: {} })).status).toBe(201);
  });
});

/** Nothing of the install in S3 or DynamoDB (its audit entries aside). */
export async function expectNoTrace(installId: string): Promise<void> {
  const c = clients();
  const objects = await s3Of(c).send(new ListObjectsV2Command({ Bucket: c.config.rawBucket, Prefix: 'raw/' }));
  expect((objects.Contents ?? []).map((o: { Key?: string }) => o.Key).filter((key: string | undefined) => key?.includes(`install=${installId}/`))).toEqual([]);
  const own = await c.ddb.send(new QueryCommand({ TableName: c.config.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': itemKeys.install(installId).PK }, ConsistentRead: true }));
  expect(own.Items ?? []).toEqual([]);
  const uploads = await c.ddb.send(new QueryCommand({ TableName: c.config.tableName, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': uploadIndexPartition(installId) } }));
  expect(uploads.Items ?? []).toEqual([]);
}

/** Opens a query session for the envelope and sends it (not processed yet): its upload id. */
async function querySession(install: { apiKey: string }, queryType: string, envelope: unknown): Promise<string> {
  const body = Buffer.from(JSON.stringify(envelope));
  const session = await call(api, 'POST', '/v1/upload-sessions', { key: install.apiKey, body: { kind: 'query', queryType, contentLength: body.length } });
  expect(session.status).toBe(201);
  await putPresigned(session.body, body);
  return session.body.uploadId as string;
}

describe('the audit entry of every staff write route (from the route table)', () => {
  const writes = routes.filter((route) => (route.roles as readonly string[]).includes('staff') && route.method !== 'GET');
  it('marks every staff write route with its audit actions', () => {
    const unmarked = writes.filter((route) => ((route as { audit?: readonly string[] }).audit ?? []).length === 0).map((r) => `${r.method} ${r.path}`);
    expect(unmarked).toEqual([]);
  });

  /** How to make each write once as a named staff key, and the target its entry names. */
  const exercises: Record<string, (key: string) => Promise<{ target: string; actions: string[] }>> = {
    postInstall: async (key) => {
      const answer = await call(api, 'POST', '/v1/installs', { key, body: { customerId: `aud${run}`, name: 'Audited' } });
      return { target: `install/${answer.body.installId}`, actions: ['install.create'] };
    },
    postInstallKey: async (key) => {
      const install = await createTestInstall(api);
      expect((await call(api, 'POST', `/v1/installs/${install.installId}/keys`, { key })).status).toBe(201);
      return { target: `install/${install.installId}`, actions: ['install.key.rotate'] };
    },
    patchInstall: async (key) => {
      const install = await createTestInstall(api);
      const path = `/v1/installs/${install.installId}`;
      expect((await call(api, 'PATCH', path, { key, body: { name: 'Renamed' } })).status).toBe(200);
      expect((await call(api, 'PATCH', path, { key, body: { status: 'decommissioned' } })).status).toBe(200);
      expect((await call(api, 'PATCH', path, { key, body: { status: 'active' } })).status).toBe(200);
      return { target: `install/${install.installId}`, actions: ['install.reactivate', 'install.decommission', 'install.rename'] };
    },
    deleteInstall: async (key) => {
      const install = await createTestInstall(api);
      expect((await call(api, 'DELETE', `/v1/installs/${install.installId}`, { key })).status).toBe(204);
      return { target: `install/${install.installId}`, actions: ['install.delete'] };
    },
    postStaffKey: async (key) => {
      const answer = await call(api, 'POST', '/v1/staff-keys', { key, body: { name: `aud-made-${run}` } });
      return { target: `staff-key/${answer.body.keyId}`, actions: ['staff-key.create'] };
    },
    deleteStaffKey: async (key) => {
      const made = await call(api, 'POST', '/v1/staff-keys', { key: staffKey(), body: { name: `aud-victim-${run}` } });
      expect((await call(api, 'DELETE', `/v1/staff-keys/${made.body.keyId}`, { key })).status).toBe(204);
      return { target: `staff-key/${made.body.keyId}`, actions: ['staff-key.revoke'] };
    },
    postBundle: async (key) => {
      const install = await createTestInstall(api);
      const zip = await sampleBundle({ installId: install.installId, collectedAt: minutesAgo(30), queryTypes: ['licensing-counts'] });
      expect((await call(api, 'POST', '/v1/bundles', { key, raw: zip, headers: { 'content-type': 'application/zip' } })).status).toBe(201);
      return { target: `install/${install.installId}`, actions: ['bundle.upload'] };
    },
    putEntitlement: async (key) => {
      const install = await createTestInstall(api);
      const path = `/v1/customers/${install.customerId}/entitlements/audited-1`;
      expect((await call(api, 'PUT', path, { key, body: { item: 'IPT users', quantity: 5, termStart: '2026-01-01', termEnd: null } })).status).toBe(201);
      return { target: `customer/${install.customerId}/entitlement/audited-1`, actions: ['entitlement.put'] };
    },
    deleteEntitlement: async (key) => {
      const install = await createTestInstall(api);
      const path = `/v1/customers/${install.customerId}/entitlements/audited-2`;
      expect((await call(api, 'PUT', path, { key: staffKey(), body: { item: 'IPT users', quantity: 5, termStart: '2026-01-01', termEnd: null } })).status).toBe(201);
      expect((await call(api, 'DELETE', path, { key })).status).toBe(204);
      return { target: `customer/${install.customerId}/entitlement/audited-2`, actions: ['entitlement.delete'] };
    },
    postLicenseFile: async (key) => {
      const install = await createTestInstall(api);
      await uploadEveryType(api, install, minutesAgo(60));
      const issued = await call(api, 'POST', `/v1/installs/${install.installId}/license-files`, { key, body: {} });
      expect(issued.status).toBe(201);
      return { target: `install/${install.installId}/license-file/${issued.body.licenseFileId}`, actions: ['license-file.issue'] };
    },
  };

  it.each(writes.map((route) => [`${route.method} ${route.path}`, route] as const))('%s writes its audit entry naming the staff key', async (_name, route) => {
    const exercise = exercises[route.handler];
    expect(exercise).toBeDefined();
    const actor = `auditor-${route.handler}-${run}`.slice(0, 64);
    const key = (await call(api, 'POST', '/v1/staff-keys', { key: staffKey(), body: { name: actor } })).body.apiKey as string;
    const { target, actions } = await exercise!(key);
    const entries = (await auditOf(target)).filter((e) => e.actor === actor);
    expect(entries.map((e) => e.action)).toEqual(actions);
    for (const action of actions) expect((route as { audit?: readonly string[] }).audit).toContain(action);
    for (const entry of entries) expect(JSON.stringify(entry)).not.toMatch(/mpa[is]_/);
  });
});
