/** Customer license state and the expiring and stale reports, over real HTTP. */
import { addDays } from '../../functions/domain/calendarDates.js';
import { call, createTestInstall, startTestApi, staffKey, type TestApi, type TestInstall, upload } from '../support/localApi.js';
import { minutesAgo } from '../support/time.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const today = () => new Date().toISOString().slice(0, 10);
const envelope = (collectedAt: string, records: unknown[]) => ({ schemaVersion: 1, collectedAt, mpaVersion: '3.4.1.12', records });

/** `licensed` licensed devices of which the first `expiring` end on `on`, plus `unlicensed` unlicensed ones. */
function deviceStates(licensed: number, expiring: number, on: string | null, unlicensed = 0) {
  return [
    ...Array.from({ length: licensed }, (_, i) => ({ deviceId: `d${i}`, licensed: true, unlicensedOn: i < expiring ? on : null })),
    ...Array.from({ length: unlicensed }, (_, i) => ({ deviceId: `u${i}`, licensed: false, unlicensedOn: today() })),
  ];
}

async function staffGet(path: string) {
  const result = await call(api, 'GET', path, { key: staffKey() });
  expect(result.status).toBe(200);
  return result.body;
}

/** Every item of a paginated list. */
async function allItems(path: string, limit = 2): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page: any = await staffGet(`${path}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

describe('customer license state', () => {
  const customerId = `rollup-${process.pid}-${Date.now()}`;
  let x: TestInstall;
  let y: TestInstall;

  beforeAll(async () => {
    x = await createTestInstall(api, customerId);
    y = await createTestInstall(api, customerId);
  });

  /** The customer's license state over both installs, with the figures a test expects. */
  const stateOfBoth = (figures: { devices: object; containers: object; licensingCounts: object; users: object }) => ({ customerId, installs: 2, ...figures });
  const noLicenses = { licensed: 0, unlicensed: 0, nextUnlicensedOn: null, expiringWithin30Days: 0 };

  it('counts a customer with installs but no data yet', async () => {
    const state = await staffGet(`/v1/customers/${customerId}/license-state`);
    expect(state).toEqual(stateOfBoth({ devices: noLicenses, containers: noLicenses, licensingCounts: {}, users: { users: 0, activeUsers: 0, reportRecipients: 0 } }));
  });

  it('rolls up both installs, and a newer snapshot replaces its install share', async () => {
    const at = minutesAgo(120);
    const in10 = addDays(today(), 10);
    const in40 = addDays(today(), 40);
    expect((await upload(api, x, 'device-license-states', envelope(at, deviceStates(10, 3, in10, 2)))).status).toBe(201);
    expect((await upload(api, y, 'device-license-states', envelope(at, deviceStates(5, 5, in40)))).status).toBe(201);
    expect((await upload(api, x, 'container-license-states', envelope(at, [{ containerId: 'container-1', licensed: true, unlicensedOn: in10 }]))).status).toBe(201);
    expect((await upload(api, x, 'licensing-counts', envelope(at, [{ item: 'IPT users', count: 100 }, { item: 'Devices', count: 12 }]))).status).toBe(201);
    expect((await upload(api, y, 'licensing-counts', envelope(at, [{ item: 'IPT users', count: 50 }]))).status).toBe(201);
    expect((await upload(api, x, 'user-counts', envelope(at, [{ users: 100, activeUsers: 60, reportRecipients: 3 }]))).status).toBe(201);
    expect((await upload(api, y, 'user-counts', envelope(at, [{ users: 40, activeUsers: 20, reportRecipients: 1 }]))).status).toBe(201);

    const state = await staffGet(`/v1/customers/${customerId}/license-state`);
    expect(state).toEqual(
      stateOfBoth({
        devices: { licensed: 15, unlicensed: 2, nextUnlicensedOn: in10, expiringWithin30Days: 3 },
        containers: { licensed: 1, unlicensed: 0, nextUnlicensedOn: in10, expiringWithin30Days: 1 },
        licensingCounts: { Devices: 12, 'IPT users': 150 },
        users: { users: 140, activeUsers: 80, reportRecipients: 4 },
      }),
    );

    // A newer snapshot of x replaces x's share; an older one does not count at all.
    expect((await upload(api, x, 'licensing-counts', envelope(minutesAgo(60), [{ item: 'IPT users', count: 110 }]))).status).toBe(201);
    expect((await upload(api, x, 'licensing-counts', envelope(minutesAgo(600), [{ item: 'IPT users', count: 999 }]))).status).toBe(201);
    expect((await upload(api, x, 'device-license-states', envelope(minutesAgo(60), deviceStates(12, 0, null)))).status).toBe(201);
    const after = await staffGet(`/v1/customers/${customerId}/license-state`);
    expect(after.licensingCounts).toEqual({ 'IPT users': 160 });
    expect(after.devices).toEqual({ licensed: 17, unlicensed: 0, nextUnlicensedOn: in40, expiringWithin30Days: 0 });
    // Counted against asOf: 35 days from now, y's devices are within 30 days.
    const later = await staffGet(`/v1/customers/${customerId}/license-state?asOf=${addDays(today(), 35)}`);
    expect(later.devices).toMatchObject({ nextUnlicensedOn: in40, expiringWithin30Days: 5 });
  });

  it('answers not_found for a customer without installs, and validates asOf', async () => {
    expect((await call(api, 'GET', '/v1/customers/nobody-here/license-state', { key: staffKey() })).status).toBe(404);
    expect((await call(api, 'GET', `/v1/customers/${customerId}/license-state?asOf=tomorrow`, { key: staffKey() })).body.code).toBe('validation_failed');
  });
});

describe('expiring report', () => {
  it('lists installs with licenses ending within the window, soonest first, until a renewal arrives', async () => {
    const customerId = `expiring-${process.pid}-${Date.now()}`;
    const soon = await createTestInstall(api, customerId);
    const later = await createTestInstall(api, customerId);
    const outside = await createTestInstall(api, customerId);
    const in5 = addDays(today(), 5);
    const in20 = addDays(today(), 20);
    await upload(api, soon, 'device-license-states', envelope(minutesAgo(90), deviceStates(4, 2, in5)));
    await upload(api, soon, 'container-license-states', envelope(minutesAgo(90), [{ containerId: 'container-9', licensed: true, unlicensedOn: in20 }]));
    await upload(api, later, 'device-license-states', envelope(minutesAgo(90), deviceStates(3, 3, in20)));
    await upload(api, outside, 'device-license-states', envelope(minutesAgo(90), deviceStates(3, 3, addDays(today(), 90))));

    const ours = (items: any[]) => items.filter((i) => i.customerId === customerId);
    const listed = ours(await allItems(`/v1/reports/expiring?withinDays=30&asOf=${today()}`, 1));
    expect(listed).toEqual([
      { installId: soon.installId, customerId, devices: 2, containers: 1, firstUnlicensedOn: in5 },
      { installId: later.installId, customerId, devices: 3, containers: 0, firstUnlicensedOn: in20 },
    ]);
    expect(ours(await allItems(`/v1/reports/expiring?withinDays=10&asOf=${today()}`))).toEqual([
      { installId: soon.installId, customerId, devices: 2, containers: 0, firstUnlicensedOn: in5 },
    ]);

    // The renewal: a newer snapshot without end dates takes the install out of the window.
    expect((await upload(api, soon, 'device-license-states', envelope(minutesAgo(30), deviceStates(4, 0, null)))).status).toBe(201);
    // Both now first end on in20: ties are ordered by installId.
    const renewed = ours(await allItems(`/v1/reports/expiring?asOf=${today()}`));
    expect(renewed.map((i) => [i.installId, i.devices, i.containers, i.firstUnlicensedOn])).toEqual(
      [
        [soon.installId, 0, 1, in20],
        [later.installId, 3, 0, in20],
      ].sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1)),
    );
  });

  it('validates its parameters', async () => {
    for (const query of ['withinDays=-1', 'withinDays=9999', 'asOf=2026-13-01', 'limit=0', 'cursor=zz']) {
      const result = await call(api, 'GET', `/v1/reports/expiring?${query}`, { key: staffKey() });
      expect({ query, status: result.status, code: result.body.code }).toEqual({ query, status: 400, code: 'validation_failed' });
    }
  });
});

describe('stale report', () => {
  it('lists installs with no accepted upload in the days before asOf, or none ever', async () => {
    const customerId = `stale-${process.pid}-${Date.now()}`;
    const never = await createTestInstall(api, customerId);
    const active = await createTestInstall(api, customerId);
    await upload(api, active, 'user-counts', envelope(minutesAgo(5), [{ users: 1, activeUsers: 1, reportRecipients: 0 }]));
    const ours = (items: any[]) => items.filter((i) => i.customerId === customerId).map((i) => i.installId);

    const now = await allItems('/v1/reports/stale?days=2', 50);
    expect(ours(now)).toEqual([never.installId]);
    expect(now.find((i) => i.installId === never.installId)).toEqual({ installId: never.installId, customerId, name: expect.any(String), lastSeenAt: null });
    // Three days from now, the active install has been silent for more than two days.
    const asOf = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const ahead = await allItems(`/v1/reports/stale?days=2&asOf=${encodeURIComponent(asOf)}`, 50);
    expect(ours(ahead).sort()).toEqual([never.installId, active.installId].sort());
    expect(ahead.find((i) => i.installId === active.installId).lastSeenAt).toEqual(expect.any(String));
    // Never-seen installs come first, then the longest silent.
    const neverIndex = ahead.findIndex((i) => i.installId === never.installId);
    const activeIndex = ahead.findIndex((i) => i.installId === active.installId);
    expect(neverIndex).toBeLessThan(activeIndex);
  });

  it('validates its parameters and is for staff only', async () => {
    const install = await createTestInstall(api);
    expect((await call(api, 'GET', '/v1/reports/stale?days=x', { key: staffKey() })).body.code).toBe('validation_failed');
    expect((await call(api, 'GET', '/v1/reports/stale?asOf=2026-01-01', { key: staffKey() })).body.code).toBe('validation_failed');
    for (const path of ['/v1/reports/stale', '/v1/reports/expiring', `/v1/customers/${install.customerId}/license-state`]) {
      expect((await call(api, 'GET', path, { key: install.apiKey })).status).toBe(403);
      expect((await call(api, 'GET', path)).status).toBe(401);
    }
  });
});
