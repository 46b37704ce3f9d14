/**
 * complianceMs50x400: one customer with 50 installs, each with a licensing-counts snapshot a day
 * for 400 days (20,000 snapshots, committed by the service's own commit) and a few pooled and
 * install-scoped entitlements; the time `customerCompliance` takes to answer, on DynamoDB Local.
 * Target: <= 1000 ms (docs/licensing.md). The median of several answers after two warm-up ones.
 */
import { addDays } from '../functions/domain/calendarDates.js';
import { entitlementOf } from '../functions/domain/entitlements.js';
import { customerCompliance } from '../functions/services/compliance.js';
import { inParallel } from '../functions/services/inParallel.js';
import { createInstall } from '../functions/store/installs.js';
import { writeEntitlement } from '../functions/store/entitlements.js';
import { commitAcceptedUpload } from '../functions/store/uploadLog.js';
import { type BenchEnvironment, median, range } from './support.js';

const INSTALLS = 50;
const DAYS = 400;
const ITEMS = ['IPT users', 'MiVoice Business devices', 'ACD agents', 'Voice mail boxes', 'Hot desk users'];
const RUNS = 7;

export interface ComplianceFigures {
  complianceMs50x400: number;
  runsMs: number[];
  snapshots: number;
  rows: number;
  seedSeconds: number;
}

export async function measureCompliance(env: BenchEnvironment): Promise<ComplianceFigures> {
  const c = env.clients;
  const customerId = `bench-compliance-${Date.now()}`;
  const seeded = Date.now();
  const installIds = await Promise.all(range(INSTALLS).map(async (i) => (await createInstall(c, { customerId, name: `compliance ${i}` }, new Date())).install.installId));
  const today = new Date().toISOString().slice(0, 10);
  const first = addDays(today, -DAYS + 1);
  // Pooled entitlements for every item, and five installs with an entitlement of their own.
  const entitlements = [
    ...ITEMS.map((item, i) => entitlementOf(customerId, `pool-${i}`, { item, quantity: 900, termStart: first, termEnd: null, graceDays: 30 }, new Date().toISOString())),
    ...range(5).map((i) => entitlementOf(customerId, `install-${i}`, { item: ITEMS[0]!, quantity: 20, termStart: first, termEnd: addDays(today, 365), installId: installIds[i]! }, new Date().toISOString())),
  ];
  for (const e of entitlements) {
    await writeEntitlement(c, e, false, { at: e.updatedAt, actor: 'bench', action: 'entitlement.put', target: `customer/${customerId}/entitlement/${e.entitlementId}`, details: {} });
  }
  const snapshots = range(INSTALLS * DAYS);
  await inParallel(snapshots, 16, async (n) => {
    const install = n % INSTALLS;
    const day = Math.floor(n / INSTALLS);
    const collectedAt = `${addDays(first, day)}T02:00:00.000Z`;
    const items = Object.fromEntries(ITEMS.map((item, i) => [item, 10 + ((install * 7 + day * (i + 1)) % 15)]));
    const receipt = { uploadId: `compliance-${n}`, installId: installIds[install]!, queryType: 'licensing-counts' as const, collectedAt, recordCount: ITEMS.length, sha256: '0'.repeat(64), duplicate: false };
    await commitAcceptedUpload(c, { receipt, customerId, rawKey: `bench/compliance/${n}`, receivedAt: new Date().toISOString(), summary: { items }, requiresUsageCollection: false });
  });
  const seedSeconds = Math.round((Date.now() - seeded) / 1000);

  let rows = 0;
  for (let i = 0; i < 2; i++) rows = (await customerCompliance(c, customerId, today)).length;
  const runsMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await customerCompliance(c, customerId, today);
    runsMs.push(Math.round(performance.now() - started));
  }
  return { complianceMs50x400: median(runsMs), runsMs, snapshots: snapshots.length, rows, seedSeconds };
}
