/** The staff reports of DESIGN.md §3, as pure functions over what the indexes return. */
import { addDays } from './calendarDates.js';
import type { QueryType } from './queries/index.js';
import type { ExpiryHistogram } from './queries/types.js';

export interface ExpiryCandidate {
  installId: string;
  customerId: string;
  queryType: QueryType;
  expiries: ExpiryHistogram;
}

export interface ExpiringItem {
  installId: string;
  customerId: string;
  /** Licensed devices whose unlicensedOn falls within the window. */
  devices: number;
  /** Licensed containers whose unlicensedOn falls within the window. */
  containers: number;
  firstUnlicensedOn: string;
}

/**
 * Installs with licensed devices or containers whose unlicensedOn lies in
 * [asOf, asOf + withinDays], soonest first (then by installId).
 */
export function expiringInstalls(candidates: readonly ExpiryCandidate[], asOf: string, withinDays: number): ExpiringItem[] {
  const windowEnd = addDays(asOf, withinDays);
  const byInstall = new Map<string, ExpiringItem>();
  for (const candidate of candidates) {
    for (const [date, count] of Object.entries(candidate.expiries.dates)) {
      if (date < asOf || date > windowEnd) continue;
      let item = byInstall.get(candidate.installId);
      if (!item) {
        item = { installId: candidate.installId, customerId: candidate.customerId, devices: 0, containers: 0, firstUnlicensedOn: date };
        byInstall.set(candidate.installId, item);
      }
      if (candidate.queryType === 'device-license-states') item.devices += count;
      else item.containers += count;
      if (date < item.firstUnlicensedOn) item.firstUnlicensedOn = date;
    }
  }
  return [...byInstall.values()].sort((a, b) => compareExpiring(a, b));
}

export function compareExpiring(a: { firstUnlicensedOn: string; installId: string }, b: { firstUnlicensedOn: string; installId: string }): number {
  if (a.firstUnlicensedOn !== b.firstUnlicensedOn) return a.firstUnlicensedOn < b.firstUnlicensedOn ? -1 : 1;
  return a.installId < b.installId ? -1 : a.installId > b.installId ? 1 : 0;
}

/** The instant before which an install's last accepted upload makes it stale. */
export function staleCutoff(asOf: Date, days: number): string {
  return new Date(asOf.getTime() - days * 86_400_000).toISOString();
}
