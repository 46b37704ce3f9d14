/**
 * The daily digest (DESIGN.md §11): what changed for the worse in the day before `asOf`.
 * Pure functions over what the reports' indexes return; services/digest.ts reads them.
 * - newlyStale: installs whose last accepted upload turned `STALE_DAYS` old during the day;
 * - expiringWithin30Days: installs with more licensed devices or containers inside the 30-day
 *   window than the day before (licenses that came within 30 days during the day);
 * - overDeployment: compliance rows that went over their entitlement (or, with none, began to be
 *   used) during the day.
 */
import type { ComplianceRow } from './licensing.js';
import { addDays } from './calendarDates.js';
import { overDeployedStatuses } from './compliance.js';
import { type ExpiringItem, type ExpiryCandidate, expiringInstalls } from './reports.js';

export const STALE_DAYS = 2;
export const EXPIRING_DAYS = 30;
const DAY_MS = 86_400_000;

/** The day before `asOf`: (from, to]. */
export function digestWindow(asOf: Date): { from: Date; to: Date } {
  return { from: new Date(asOf.getTime() - DAY_MS), to: asOf };
}

/** lastSeenAt values that turned stale during the window: in [to - (STALE_DAYS+1) days, to - STALE_DAYS days). */
export function newlyStaleRange(asOf: Date): { from: string; before: string } {
  return { from: new Date(asOf.getTime() - (STALE_DAYS + 1) * DAY_MS).toISOString(), before: new Date(asOf.getTime() - STALE_DAYS * DAY_MS).toISOString() };
}

/** Installs whose count within the 30-day window grew since the day before, with the counts that came in. */
export function newlyExpiring(candidates: readonly ExpiryCandidate[], asOfDate: string): ExpiringItem[] {
  const before = new Map(expiringInstalls(candidates, addDays(asOfDate, -1), EXPIRING_DAYS).map((item) => [item.installId, item]));
  const grown: ExpiringItem[] = [];
  for (const item of expiringInstalls(candidates, asOfDate, EXPIRING_DAYS)) {
    const was = before.get(item.installId);
    const devices = item.devices - (was?.devices ?? 0);
    const containers = item.containers - (was?.containers ?? 0);
    if (devices > 0 || containers > 0) grown.push({ ...item, devices: Math.max(devices, 0), containers: Math.max(containers, 0) });
  }
  return grown;
}

export interface OverDeploymentItem extends ComplianceRow {
  customerId: string;
}

/**
 * Rows over their entitlement (or with usage and none) whose overSince falls in the day before
 * asOf, (asOf − 24 h, asOf]. overSince is a collectedAt, an instant (a UTC ISO string as
 * receipts normalize it), so it is compared with the window's instants.
 */
export function newlyOver(customerId: string, rows: readonly ComplianceRow[], asOf: Date): OverDeploymentItem[] {
  const { from, to } = digestWindow(asOf);
  const after = from.toISOString();
  const until = to.toISOString();
  return rows.filter((row) => overDeployedStatuses.has(row.status) && row.overSince !== null && row.overSince > after && row.overSince <= until).map((row) => ({ customerId, ...row }));
}
