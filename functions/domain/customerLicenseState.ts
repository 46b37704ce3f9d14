/**
 * A customer's license state (DESIGN.md §3): the roll-up over all its installs of the latest
 * license-state, licensing-count and user-count snapshots. Each install's share is its latest
 * snapshot, so a newer snapshot replaces the share instead of adding to it.
 */
import { addDays } from './calendarDates.js';
import type { LicenseStateSummary } from './queries/licenseState.js';
import type { QueryType } from './queries/index.js';
import type { ExpiryHistogram } from './queries/types.js';

/** The query types a customer roll-up reads. */
export const rollupQueryTypes: ReadonlySet<QueryType> = new Set<QueryType>([
  'device-license-states',
  'container-license-states',
  'licensing-counts',
  'user-counts',
]);

export interface InstallShare {
  installId: string;
  queryType: QueryType;
  summary: unknown;
  expiries?: ExpiryHistogram;
}

export interface UserTotals {
  users: number;
  activeUsers: number;
  reportRecipients: number;
}

export interface CustomerLicenseState {
  customerId: string;
  installs: number;
  devices: LicenseStateSummary;
  containers: LicenseStateSummary;
  licensingCounts: Record<string, number>;
  users: UserTotals;
}

export const CUSTOMER_EXPIRY_WINDOW_DAYS = 30;

/**
 * Adds up the shares. licensed/unlicensed are as the installs last reported them;
 * nextUnlicensedOn and expiringWithin30Days are counted against `asOf` (a date).
 */
export function rollUpCustomer(customerId: string, installs: number, shares: readonly InstallShare[], asOf: string): CustomerLicenseState {
  const ofType = (queryType: QueryType) => shares.filter((s) => s.queryType === queryType);
  // Keyed by item names an install chose: a Map, so `constructor` or `__proto__` is an item like any other.
  const licensingCounts = new Map<string, number>();
  for (const share of ofType('licensing-counts')) {
    for (const [item, count] of Object.entries((share.summary as { items: Record<string, number> }).items)) {
      licensingCounts.set(item, (licensingCounts.get(item) ?? 0) + count);
    }
  }
  const users: UserTotals = { users: 0, activeUsers: 0, reportRecipients: 0 };
  for (const share of ofType('user-counts')) {
    const counts = share.summary as UserTotals;
    users.users += counts.users;
    users.activeUsers += counts.activeUsers;
    users.reportRecipients += counts.reportRecipients;
  }
  return {
    customerId,
    installs,
    devices: rollUpLicenseStates(ofType('device-license-states'), asOf),
    containers: rollUpLicenseStates(ofType('container-license-states'), asOf),
    // fromEntries defines own properties: a `__proto__` item stays an item.
    licensingCounts: Object.fromEntries([...licensingCounts].sort(([a], [b]) => (a < b ? -1 : 1))),
    users,
  };
}

function rollUpLicenseStates(shares: readonly InstallShare[], asOf: string): LicenseStateSummary {
  const windowEnd = addDays(asOf, CUSTOMER_EXPIRY_WINDOW_DAYS);
  const total: LicenseStateSummary = { licensed: 0, unlicensed: 0, nextUnlicensedOn: null, expiringWithin30Days: 0 };
  for (const share of shares) {
    const summary = share.summary as LicenseStateSummary;
    total.licensed += summary.licensed;
    total.unlicensed += summary.unlicensed;
    for (const [date, count] of Object.entries(share.expiries?.dates ?? {})) {
      if (date < asOf) continue;
      if (total.nextUnlicensedOn === null || date < total.nextUnlicensedOn) total.nextUnlicensedOn = date;
      if (date <= windowEnd) total.expiringWithin30Days += count;
    }
  }
  return total;
}
