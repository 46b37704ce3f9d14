/**
 * Reads behind the customer roll-up and the reports: each one Query on an index, never a scan
 * (cost model in docs/reports.md).
 */
import type { InstallShare } from '../domain/customerLicenseState.js';
import type { QueryType } from '../domain/queries/index.js';
import type { ExpiryCandidate } from '../domain/reports.js';
import { customerIndexPartition, EXPIRING_PARTITION, INSTALLS_PARTITION } from '../domain/storageKeys.js';
import type { Clients } from './clients.js';
import { type Page, queryAll, queryPage } from './indexQueries.js';
import { table } from './tableDefinition.js';

/** A customer's installs (how many) and the latest roll-up snapshots of each. */
export async function customerShares(c: Clients, customerId: string): Promise<{ installs: number; shares: InstallShare[] }> {
  const items = await queryAll(c, { keys: table.indexes.byCustomer, partition: customerIndexPartition(customerId) });
  const shares = items
    .filter((item) => item.type === 'latest')
    .map((item) => ({
      installId: item.installId as string,
      queryType: item.queryType as QueryType,
      summary: JSON.parse(item.summaryJson as string),
      ...(item.expiriesJson ? { expiries: JSON.parse(item.expiriesJson as string) } : {}),
    }));
  return { installs: items.filter((item) => item.type === 'install').length, shares };
}

/** Latest license-state snapshots whose first unlicensedOn is on or before `windowEnd`. */
export async function expiryCandidates(c: Clients, windowEnd: string): Promise<ExpiryCandidate[]> {
  const items = await queryAll(c, {
    keys: table.indexes.expiringByDate,
    partition: EXPIRING_PARTITION,
    sortKey: { op: '<=', value: `${windowEnd}#\uffff` },
    projection: 'installId, customerId, queryType, expiriesJson',
  });
  return items.map((item) => ({
    installId: item.installId as string,
    customerId: item.customerId as string,
    queryType: item.queryType as QueryType,
    expiries: JSON.parse(item.expiriesJson as string),
  }));
}

export interface StaleInstall {
  installId: string;
  customerId: string;
  name: string;
  lastSeenAt: string | null;
}

/** Installs whose last accepted upload is before `cutoff` (or that never uploaded), longest silent first. */
export async function staleInstalls(c: Clients, cutoff: string, page: { limit: number; cursor?: string }): Promise<Page<StaleInstall>> {
  const result = await queryPage(c, { keys: table.indexes.installsByLastSeen, partition: INSTALLS_PARTITION, sortKey: { op: '<', value: cutoff } }, page);
  return {
    items: result.items.map((item) => ({
      installId: item.installId as string,
      customerId: item.customerId as string,
      name: item.name as string,
      lastSeenAt: (item.lastSeenAt as string | undefined) ?? null,
    })),
    nextCursor: result.nextCursor,
  };
}

/** Installs whose last accepted upload lies in [from, before): the stale index's range, oldest first. */
export async function staleInstallsBetween(c: Clients, from: string, before: string): Promise<StaleInstall[]> {
  // BETWEEN is inclusive: `before` itself (to the millisecond, then `#installId`) sorts after every key below it.
  const items = await queryAll(c, { keys: table.indexes.installsByLastSeen, partition: INSTALLS_PARTITION, sortKey: { op: 'between', value: from, upTo: before } });
  return items
    .filter((item) => typeof item.lastSeenAt === 'string' && (item.lastSeenAt as string) < before)
    .map((item) => ({ installId: item.installId as string, customerId: item.customerId as string, name: item.name as string, lastSeenAt: item.lastSeenAt as string }));
}
