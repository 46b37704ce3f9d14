/**
 * The licensing loop end to end over real HTTP (DESIGN.md §8–9), with nothing mocked: a
 * customer with a pooled and an install-scoped entitlement, its installs' licensing counts over
 * several days, its compliance, and a license file whose claims carry the entitlements the
 * compliance was computed from, verified with jose against the served JWKS.
 */
import { createLocalJWKSet, jwtVerify } from 'jose';
import { queryTypes } from '../../functions/domain/queries/index.js';
import { call, createTestInstall, staffKey, startTestApi, type TestApi, type TestInstall, upload } from '../support/localApi.js';
import { issueLicenseFile, uploadEveryType } from '../support/licensing.js';
import { minutesAgo } from '../support/time.js';

const DAY_MINUTES = 24 * 60;
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

function countsAt(install: TestInstall, minutes: number, counts: Record<string, number>) {
  const envelope = {
    schemaVersion: 1,
    collectedAt: minutesAgo(minutes),
    mpaVersion: '3.4.1.12',
    records: Object.entries(counts).map(([item, count]) => ({ item, count })),
  };
  return upload(api, install, 'licensing-counts', envelope);
}

function putEntitlement(customerId: string, entitlementId: string, body: Record<string, unknown>) {
  return call(api, 'PUT', `/v1/customers/${customerId}/entitlements/${entitlementId}`, { key: staffKey(), body });
}

function jwsOf(file: string): string {
  return file.split('\n').filter((line) => line !== '' && !line.startsWith('-----')).join('');
}

it('turns entitlements and reported usage into compliance and a signed license file', async () => {
  const customerId = `loop-${process.pid}`;
  const hq = await createTestInstall(api, customerId);
  const branch = await createTestInstall(api, customerId);
  const today = new Date().toISOString().slice(0, 10);
  const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);

  // 20 IPT users pooled over the customer's installs; the branch bought 5 devices of its own.
  expect((await putEntitlement(customerId, 'order-1.line-1', { item: 'IPT users', quantity: 20, termStart: yearAgo, termEnd: null, graceDays: 5 })).status).toBe(201);
  expect((await putEntitlement(customerId, 'order-1.line-2', { item: 'MiVoice devices', quantity: 5, termStart: yearAgo, termEnd: null, installId: branch.installId })).status).toBe(201);

  // Pool usage: 12 + 9 = 21 ten days ago (over), then 10 + 9 = 19 (within, but the peak stays 21).
  for (const [minutes, hqUsers, branchUsers] of [[10 * DAY_MINUTES, 12, 9], [2 * DAY_MINUTES, 10, 9]] as const) {
    expect((await countsAt(hq, minutes, { 'IPT users': hqUsers })).status).toBe(201);
    expect((await countsAt(branch, minutes + 1, { 'IPT users': branchUsers, 'MiVoice devices': 7 })).status).toBe(201);
  }

  const compliance = await call(api, 'GET', `/v1/customers/${customerId}/compliance?asOf=${today}`, { key: staffKey() });
  expect(compliance.status).toBe(200);
  const rows = new Map<string, Record<string, unknown>>(compliance.body.items.map((row: { item: string; installId: string | null }) => [`${row.item}|${row.installId}`, row]));
  expect(rows.get('IPT users|null')).toMatchObject({ entitled: 20, used: 19, peak: 21, overage: 1, status: 'near', overSince: null });
  // The branch's devices are its own scope: 7 on 5 for 10 days, within the default 30 grace days.
  expect(rows.get(`MiVoice devices|${branch.installId}`)).toMatchObject({ entitled: 5, used: 7, peak: 7, overage: 2, status: 'over' });

  const report = await call(api, 'GET', `/v1/reports/over-deployment?asOf=${today}`, { key: staffKey() });
  expect(report.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ customerId, item: 'MiVoice devices', installId: branch.installId, overage: 2 })]));

  // The branch's reports are in: its license file carries both entitlements and its rows.
  await uploadEveryType(api, branch, minutesAgo(60), queryTypes.filter((t) => t !== 'licensing-counts'));
  const issued = await issueLicenseFile(api, branch.installId);
  expect(issued.status).toBe(201);
  expect(issued.body.entitlements.map((e: { entitlementId: string }) => e.entitlementId).sort()).toEqual(['order-1.line-1', 'order-1.line-2']);
  expect(issued.body.compliance).toEqual(
    expect.arrayContaining([
      { item: 'IPT users', entitled: 20, used: 19, status: 'near' },
      { item: 'MiVoice devices', entitled: 5, used: 7, status: 'over' },
    ]),
  );
  const jwks = (await call(api, 'GET', '/.well-known/jwks.json')).body;
  const { payload, protectedHeader } = await jwtVerify(jwsOf(issued.body.file), createLocalJWKSet(jwks), { issuer: 'mpa-licensing', subject: branch.installId, typ: 'mpa-license+jwt', algorithms: ['EdDSA'] });
  expect(protectedHeader.kid).toBe(issued.body.kid);
  expect(payload.customerId).toBe(customerId);
  expect((payload.entitlements as { entitlementId: string }[]).map((e) => e.entitlementId).sort()).toEqual(['order-1.line-1', 'order-1.line-2']);
  expect((payload.acknowledges as { queryType: string }[]).map((a) => a.queryType).sort()).toEqual([...queryTypes].sort());

  // Nothing changed: the same file again. A changed entitlement: a new file.
  const again = await issueLicenseFile(api, branch.installId);
  expect(again.status).toBe(200);
  expect(again.body.licenseFileId).toBe(issued.body.licenseFileId);
  expect((await putEntitlement(customerId, 'order-1.line-2', { item: 'MiVoice devices', quantity: 8, termStart: yearAgo, termEnd: null, installId: branch.installId })).status).toBe(200);
  const reissued = await issueLicenseFile(api, branch.installId);
  expect(reissued.status).toBe(201);
  expect(reissued.body.compliance).toEqual(expect.arrayContaining([{ item: 'MiVoice devices', entitled: 8, used: 7, status: 'ok' }]));
});
