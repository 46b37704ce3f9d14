/**
 * The daily digest (DESIGN.md §11) for seeded days: installs last seen at chosen instants
 * (uploads accepted "then"), licenses entering the 30-day window, and rows going over.
 */
import { newlyExpiring, newlyOver } from '../../functions/domain/digest.js';
import { plainUploadJson } from '../../functions/domain/uploadJson.js';
import { sampleUpload } from '../../functions/samples/sampleUploads.js';
import { acceptUpload } from '../../functions/services/acceptUpload.js';
import { digest } from '../../functions/services/digest.js';
import { createClients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { createInstall } from '../../functions/store/installs.js';
import { call, startTestApi, staffKey, type TestApi } from '../support/localApi.js';

const c = createClients(storageConfig());
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  destroyClients(c);
  await api.close();
});

const DAY = 86_400_000;
// Far enough ahead that no other test's install was last seen in the digest's ranges.
const asOf = new Date(Math.floor(Date.now() / DAY) * DAY + 40 * DAY + 6 * 3_600_000);

async function lastSeenAt(name: string, at: Date): Promise<string> {
  const { install } = await createInstall(c, { customerId: `digest-${process.pid}`, name }, new Date(), 'tester');
  const collectedAt = `${new Date(at.getTime() - 60_000).toISOString().slice(0, 19)}Z`;
  await acceptUpload(c, { installId: install.installId, queryType: 'user-counts', body: plainUploadJson(Buffer.from(JSON.stringify(sampleUpload('user-counts', { collectedAt })))), now: at });
  return install.installId;
}

it('lists installs that turned two days silent during the day, and only those', async () => {
  const turned = await lastSeenAt('turned stale', new Date(asOf.getTime() - 2.5 * DAY));
  const fresh = await lastSeenAt('still fresh', new Date(asOf.getTime() - 1.5 * DAY));
  const old = await lastSeenAt('stale before', new Date(asOf.getTime() - 3.5 * DAY));
  const result = await digest(c, asOf);
  const ids = result.newlyStale.map((i) => i.installId);
  expect(ids).toContain(turned);
  expect(ids).not.toContain(fresh);
  expect(ids).not.toContain(old);
  expect(result.newlyStale.find((i) => i.installId === turned)).toEqual({ installId: turned, customerId: `digest-${process.pid}`, name: 'turned stale', lastSeenAt: expect.any(String) });
  expect(result.asOf).toBe(asOf.toISOString());

  const answer = await call(api, 'GET', `/v1/reports/digest?asOf=${asOf.toISOString()}`, { key: staffKey() });
  expect(answer.status).toBe(200);
  expect(answer.body.newlyStale.map((i: { installId: string }) => i.installId)).toContain(turned);
  expect((await call(api, 'GET', '/v1/reports/digest?asOf=yesterday', { key: staffKey() })).status).toBe(400);
});

it('lists licenses that came within 30 days during the day', () => {
  const candidates = [
    { installId: 'a', customerId: 'x', queryType: 'device-license-states' as const, expiries: { dates: { '2027-01-31': 3, '2027-01-10': 1 } } },
    { installId: 'b', customerId: 'x', queryType: 'container-license-states' as const, expiries: { dates: { '2027-01-20': 2 } } },
  ];
  // asOf 2027-01-01: the window ends 2027-01-31, which entered today (3 devices of install a).
  expect(newlyExpiring(candidates as never, '2027-01-01')).toEqual([{ installId: 'a', customerId: 'x', devices: 3, containers: 0, firstUnlicensedOn: '2027-01-10' }]);
  expect(newlyExpiring(candidates as never, '2027-01-02')).toEqual([]);
});

it('lists compliance rows that went over during the day: (asOf - 24 h, asOf], by instant', () => {
  // overSince is a collectedAt: an instant, compared with the window's instants, not its dates.
  const row = { item: 'phones', installId: null, entitled: 10, used: 12, peak: 12, overage: 2, status: 'over' as const, overSince: '2027-01-01T02:00:00.000Z' };
  const at = new Date('2027-01-01T06:00:00Z');
  const rows = [
    row,
    { ...row, item: 'edge', overSince: '2027-01-01T06:00:00.000Z' },
    { ...row, item: 'yesterday-morning', overSince: '2026-12-31T07:00:00.000Z' },
    { ...row, item: 'too-early', overSince: '2026-12-31T06:00:00.000Z' },
    { ...row, item: 'old', overSince: '2026-12-20T02:00:00.000Z' },
    { ...row, item: 'new usage', entitled: 0, status: 'unentitled' as const, overSince: '2027-01-01T01:00:00.000Z' },
    { ...row, item: 'past grace', status: 'over_past_grace' as const, overSince: '2026-12-31T23:59:59.000Z' },
    { ...row, item: 'fine', status: 'ok' as const, overSince: null },
    { ...row, item: 'near', status: 'near' as const, overSince: null },
  ];
  expect(newlyOver('cust', rows, at).map((r) => r.item)).toEqual(['phones', 'edge', 'yesterday-morning', 'new usage', 'past grace']);
  expect(newlyOver('cust', rows, at)[0]).toEqual({ customerId: 'cust', ...row });
});
