/**
 * Entitlements, compliance and the over-deployment report (DESIGN.md §8) over real HTTP, with
 * licensing-counts uploads of different collectedAt: validation of every parameter, 201/200/204/404,
 * the audit entries, every status, pooled against install-scoped, asOf in the past, the true-up peak.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { addDays } from '../../functions/domain/calendarDates.js';
import { itemKeys } from '../../functions/domain/storageKeys.js';
import { call, clients, createTestInstall, startTestApi, staffKey, type TestApi, type TestInstall, upload } from '../support/localApi.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const today = new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => addDays(today, -n);
/** collectedAt at 02:00Z of the day n days ago. */
const collectedDaysAgo = (n: number) => `${daysAgo(n)}T02:00:00Z`;
const counts = (collectedAt: string, items: Record<string, number>) => ({
  schemaVersion: 1,
  collectedAt,
  mpaVersion: '3.4.1.12',
  records: Object.entries(items).map(([item, count]) => ({ item, count })),
});

async function report(install: TestInstall, daysBack: number, items: Record<string, number>) {
  const result = await upload(api, install, 'licensing-counts', counts(collectedDaysAgo(daysBack), items));
  expect(result.status).toBe(201);
}

const staff = (method: string, path: string, body?: unknown) => call(api, method, path, { key: staffKey(), ...(body === undefined ? {} : { body }) });
const put = (customerId: string, id: string, body: unknown) => staff('PUT', `/v1/customers/${customerId}/entitlements/${id}`, body);
const compliance = async (customerId: string, asOf?: string) => {
  const result = await staff('GET', `/v1/customers/${customerId}/compliance${asOf ? `?asOf=${asOf}` : ''}`);
  expect(result.status).toBe(200);
  return result.body;
};

/** The target's audit entries, oldest first, as staff read them (GET /v1/audit). */
async function auditEntries(target: string): Promise<Record<string, unknown>[]> {
  const answer = await staff('GET', `/v1/audit?target=${encodeURIComponent(target)}`);
  expect(answer.status).toBe(200);
  return (answer.body.items as Record<string, unknown>[]).reverse();
}

describe('entitlements', () => {
  const customerId = `ent-${process.pid}-${Date.now()}`;
  let a: TestInstall;
  let other: TestInstall;
  const body = { item: 'IPT users', quantity: 10, termStart: '2026-01-01', termEnd: null };

  beforeAll(async () => {
    a = await createTestInstall(api, customerId);
    other = await createTestInstall(api, `${customerId}-other`);
  });

  it('creates (201), answers an unchanged put with the stored one (200), replaces (200), lists and deletes (204, then 404)', async () => {
    const created = await put(customerId, 'order-1.1', body);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ customerId, entitlementId: 'order-1.1', ...body, graceDays: 30, installId: null, contractRef: null, updatedAt: expect.any(String) });

    const again = await put(customerId, 'order-1.1', body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(created.body);

    const replaced = await put(customerId, 'order-1.1', { ...body, quantity: 12, graceDays: 7, installId: a.installId, contractRef: 'C-42' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ quantity: 12, graceDays: 7, installId: a.installId, contractRef: 'C-42' });

    expect((await put(customerId, 'order-0', { ...body, item: 'devices' })).status).toBe(201);
    const listed = await staff('GET', `/v1/customers/${customerId}/entitlements`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((e: { entitlementId: string }) => e.entitlementId)).toEqual(['order-0', 'order-1.1']);
    expect(listed.body.items[1]).toEqual(replaced.body);

    expect((await staff('DELETE', `/v1/customers/${customerId}/entitlements/order-0`)).status).toBe(204);
    const gone = await staff('DELETE', `/v1/customers/${customerId}/entitlements/order-0`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('not_found');
    expect((await staff('GET', `/v1/customers/${customerId}/entitlements`)).body.items.map((e: { entitlementId: string }) => e.entitlementId)).toEqual(['order-1.1']);
    expect((await staff('GET', `/v1/customers/nobody-${process.pid}/entitlements`)).body).toEqual({ items: [] });
  });

  it('writes one audit entry per change, none for an unchanged put or a failed delete', async () => {
    const put1 = await auditEntries(`customer/${customerId}/entitlement/order-1.1`);
    expect(put1.map((e) => [e.action, e.actor])).toEqual([
      ['entitlement.put', 'local-admin'],
      ['entitlement.put', 'local-admin'],
    ]);
    const deleted = await auditEntries(`customer/${customerId}/entitlement/order-0`);
    expect(deleted.map((e) => e.action)).toEqual(['entitlement.put', 'entitlement.delete']);
  });

  it('refuses an installId that is not an install of this customer, and stores nothing', async () => {
    for (const installId of [other.installId, '4a8e4d54-5a53-4b8a-9a57-0d0f35bb6e4f']) {
      const refused = await put(customerId, 'scoped', { ...body, installId });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: 'validation_failed', errors: [{ path: 'installId', message: expect.stringContaining(customerId) }] });
    }
    expect((await staff('GET', `/v1/customers/${customerId}/entitlements`)).body.items).toHaveLength(1);
  });

  it.each([
    ['unknown field', { ...body, extra: 1 }, 'extra'],
    ['termEnd before termStart', { ...body, termEnd: '2025-12-31' }, 'termEnd'],
    ['bad date', { ...body, termStart: '2026-02-31' }, 'termStart'],
    ['graceDays 366', { ...body, graceDays: 366 }, 'graceDays'],
    ['negative quantity', { ...body, quantity: -1 }, 'quantity'],
    ['item of 129', { ...body, item: 'x'.repeat(129) }, 'item'],
    ['contractRef of 129', { ...body, contractRef: 'x'.repeat(129) }, 'contractRef'],
  ])('refuses a body with %s (400 at its path)', async (_what, bad, path) => {
    const refused = await put(customerId, 'bad', bad);
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('validation_failed');
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('refuses bad bodies and path parameters with problems, never a 500', async () => {
    const notJson = await call(api, 'PUT', `/v1/customers/${customerId}/entitlements/x`, { key: staffKey(), raw: '{', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    expect(notJson.body.code).toBe('invalid_json');
    const long = 'x'.repeat(2000);
    for (const [method, path, param] of [
      ['PUT', `/v1/customers/${long}/entitlements/x`, 'customerId'],
      ['PUT', `/v1/customers/${customerId}/entitlements/${long}`, 'entitlementId'],
      ['PUT', `/v1/customers/${customerId}/entitlements/a%23b`, 'entitlementId'],
      ['DELETE', `/v1/customers/${customerId}/entitlements/${long}`, 'entitlementId'],
      ['DELETE', `/v1/customers/bad%20id/entitlements/x`, 'customerId'],
      ['GET', `/v1/customers/${long}/entitlements`, 'customerId'],
      ['GET', `/v1/customers/${long}/compliance`, 'customerId'],
    ] as const) {
      const refused = await staff(method, path, method === 'PUT' ? body : undefined);
      // Out of every id's form (over-long, or not a customer id): the wrapper's 404, before any
      // read (http/parameterBounds.ts). Within the wrapper's bounds but not an entitlement id: 400.
      const expected = refused.status === 404 ? { status: 404, paths: undefined } : { status: 400, paths: [param] };
      expect({ method, path: path.slice(0, 60), status: refused.status, paths: refused.body.errors?.map((e: { path: string }) => e.path) }).toEqual({
        method,
        path: path.slice(0, 60),
        ...expected,
      });
      expect(refused.body.detail ?? '').not.toContain(long);
    }
    for (const asOf of ['2026-13-01', '2026-12-01T00:00:00Z', 'today', 'x'.repeat(2000)]) {
      for (const path of [`/v1/customers/${customerId}/compliance`, '/v1/reports/over-deployment']) {
        const refused = await staff('GET', `${path}?asOf=${asOf}`);
        expect({ asOf: asOf.slice(0, 20), status: refused.status, code: refused.body.code }).toEqual({ asOf: asOf.slice(0, 20), status: 400, code: 'validation_failed' });
      }
    }
  });
});

describe('compliance', () => {
  const customerId = `comp-${process.pid}-${Date.now()}`;
  let a: TestInstall;
  let b: TestInstall;
  let c: TestInstall;

  beforeAll(async () => {
    a = await createTestInstall(api, customerId);
    b = await createTestInstall(api, customerId);
    c = await createTestInstall(api, customerId);
    expect((await put(customerId, 'pool', { item: 'IPT users', quantity: 10, termStart: daysAgo(60), termEnd: null, graceDays: 3 })).status).toBe(201);
    expect((await put(customerId, 'for-b', { item: 'IPT users', quantity: 5, termStart: daysAgo(60), termEnd: daysAgo(-30), installId: b.installId })).status).toBe(201);
    // Pool (a and c): 10, 12, 9, 13 over four reports of a; b in its own scope.
    await report(a, 10, { 'IPT users': 10, devices: 3 });
    await report(a, 8, { 'IPT users': 12, devices: 3 });
    await report(a, 6, { 'IPT users': 9, devices: 3 });
    await report(b, 5, { 'IPT users': 5 });
    await report(a, 4, { 'IPT users': 13, devices: 3 });
  });

  const row = (body: { items: { item: string; installId: string | null }[] }, item: string, installId: string | null) =>
    body.items.find((r) => r.item === item && r.installId === installId);

  it('answers today: the pool past grace with the true-up peak, b near in its own scope, unentitled devices', async () => {
    const body = await compliance(customerId);
    expect(body.customerId).toBe(customerId);
    expect(body.asOf).toBe(today);
    expect(body.items).toEqual([
      { item: 'IPT users', installId: null, entitled: 10, used: 13, peak: 13, overage: 3, status: 'over_past_grace', overSince: `${daysAgo(4)}T02:00:00.000Z` },
      { item: 'IPT users', installId: b.installId, entitled: 5, used: 5, peak: 5, overage: 0, status: 'near', overSince: null },
      { item: 'devices', installId: null, entitled: 0, used: 3, peak: 3, overage: 3, status: 'unentitled', overSince: `${daysAgo(10)}T02:00:00.000Z` },
    ].sort((x, y) => (x.item < y.item ? -1 : 1)));
  });

  it('answers an asOf in the past as it was then', async () => {
    expect(row(await compliance(customerId, daysAgo(9)), 'IPT users', null)).toMatchObject({ used: 10, peak: 10, overage: 0, status: 'near' });
    expect(row(await compliance(customerId, daysAgo(8)), 'IPT users', null)).toMatchObject({ used: 12, peak: 12, overage: 2, status: 'over' });
    expect(row(await compliance(customerId, daysAgo(6)), 'IPT users', null)).toMatchObject({ used: 9, peak: 12, overage: 2, status: 'near', overSince: null });
    expect(row(await compliance(customerId, daysAgo(4)), 'IPT users', null)).toMatchObject({ used: 13, overage: 3, status: 'over' });
    // Grace 3 days: over for 3 days is not longer than that, the 4th is.
    expect(row(await compliance(customerId, daysAgo(1)), 'IPT users', null)).toMatchObject({ status: 'over' });
    expect((await compliance(customerId, daysAgo(61))).items.map((r: { item: string; status: string }) => [r.item, r.status])).toEqual([
      ['IPT users', 'ok'],
      ['IPT users', 'ok'],
    ]);
  });

  it('lists the customer in the over-deployment report, largest overage first', async () => {
    const result = await staff('GET', '/v1/reports/over-deployment');
    expect(result.status).toBe(200);
    const mine = result.body.items.filter((r: { customerId: string }) => r.customerId === customerId);
    expect(mine.map((r: { item: string; status: string; overage: number }) => [r.item, r.status, r.overage])).toEqual([
      ['IPT users', 'over_past_grace', 3],
      ['devices', 'unentitled', 3],
    ]);
    const overages = result.body.items.map((r: { overage: number }) => r.overage);
    expect(overages).toEqual([...overages].sort((x, y) => y - x));
    const past = await staff('GET', `/v1/reports/over-deployment?asOf=${daysAgo(6)}`);
    expect(past.body.items.filter((r: { customerId: string }) => r.customerId === customerId).map((r: { item: string }) => r.item)).toEqual(['devices']);
  });

  it('brings c into the pool when it reports, and drops a decommissioned install', async () => {
    await report(c, 2, { 'IPT users': 1 });
    expect(row(await compliance(customerId), 'IPT users', null)).toMatchObject({ used: 14, peak: 14 });
    const cl = clients();
    await cl.ddb.send(new UpdateCommand({ TableName: cl.config.tableName, Key: itemKeys.install(c.installId), UpdateExpression: 'SET #s = :d', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':d': 'decommissioned' } }));
    expect(row(await compliance(customerId), 'IPT users', null)).toMatchObject({ used: 13, peak: 13 });
  });

  it('handles item names like __proto__, constructor and toString as data', async () => {
    const customer = `proto-${process.pid}-${Date.now()}`;
    const d = await createTestInstall(api, customer);
    expect((await put(customer, 'p', { item: '__proto__', quantity: 1, termStart: daysAgo(30), termEnd: null })).status).toBe(201);
    // An object literal would set the prototype: JSON.parse makes "__proto__" an own key.
    const records = JSON.parse('{"__proto__": 2, "constructor": 1, "toString": 0}') as Record<string, number>;
    await report(d, 2, records);
    const body = await compliance(customer);
    expect(body.items.map((r: { item: string; used: number; status: string }) => [r.item, r.used, r.status])).toEqual([
      ['__proto__', 2, 'over'],
      ['constructor', 1, 'unentitled'],
      ['toString', 0, 'ok'],
    ]);
  });
});

it("a customer id holding ':' works sent percent-encoded, as the CLI and console send it (the gateway passes it as sent)", async () => {
  const customerId = `acme:emea-${process.pid}-${Date.now()}`;
  const install = await createTestInstall(api, customerId);
  await report(install, 1, { 'IPT users': 3 });
  const encoded = encodeURIComponent(customerId);
  expect(encoded).toContain('%3A');
  expect((await put(encoded, 'order-1', { item: 'IPT users', quantity: 10, termStart: '2026-01-01', termEnd: null })).status).toBe(201);
  expect((await staff('GET', `/v1/customers/${encoded}/entitlements`)).body.items).toEqual([expect.objectContaining({ entitlementId: 'order-1', customerId })]);
  expect(await compliance(encoded)).toMatchObject({ customerId });
  expect((await staff('GET', `/v1/customers/${encoded}/license-state`)).status).toBe(200);
  expect((await staff('DELETE', `/v1/customers/${encoded}/entitlements/order-1`)).status).toBe(204);
});
