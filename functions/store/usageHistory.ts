/**
 * Reads for compliance: a customer's usage history (its licensing-counts snapshots with their
 * item counts, one Query of the usageByCustomer index), its installs' lifecycle, and the
 * customers the over-deployment report checks (one Query of complianceCustomers). Never a scan.
 */
import type { UsageSnapshot } from '../domain/compliance.js';
import { COMPLIANCE_PARTITION, customerIndexKeys, customerIndexPartition, customerOfComplianceEntry, usageIndexPartition } from '../domain/storageKeys.js';
import type { Clients } from './clients.js';
import { queryAll, queryAllInParts } from './indexQueries.js';
import { table } from './tableDefinition.js';

/** Sub-ranges of a long usage history read at once (queryAllInParts). */
const USAGE_HISTORY_PARTS = 4;

/**
 * The customer's licensing-counts snapshots collected before `before` (a UTC instant, or one
 * followed by `#…`), oldest first. A history longer than a page is read in USAGE_HISTORY_PARTS
 * spans of time at once: 20,000 snapshots are six pages, ~450 ms one after another on DynamoDB
 * Local (bench/README.md, complianceMs50x400). `pageItems` bounds each request's items (tests).
 */
export async function usageHistory(c: Clients, customerId: string, before: string, pageItems?: number): Promise<UsageSnapshot[]> {
  const index = table.indexes.usageByCustomer;
  const items = await queryAllInParts(
    c,
    { keys: index, partition: usageIndexPartition(customerId), sortKey: { op: '<', value: before }, projection: `${index.sortKey}, countsJson` },
    timeCuts,
    pageItems,
  );
  return items.map((item) => {
    const sortKey = item[index.sortKey] as string;
    const split = sortKey.indexOf('#');
    // JSON.parse makes own properties of every key (`__proto__` too); the Map keeps them as data.
    const counts = new Map(Object.entries(JSON.parse(item.countsJson as string) as Record<string, number>));
    return { collectedAt: sortKey.slice(0, split), installId: sortKey.slice(split + 1), counts };
  });
}

/**
 * Instants evenly between the collectedAt of two usage sort keys (`<collectedAt>#<installId>`):
 * no key is a bare instant, so none is a cut. None where either end is no instant.
 */
function timeCuts(lastKeyRead: string, upperBound: string): string[] {
  const from = Date.parse(lastKeyRead.split('#')[0] ?? '');
  const to = Date.parse(upperBound.split('#')[0] ?? '');
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) return [];
  return Array.from({ length: USAGE_HISTORY_PARTS - 1 }, (_, i) => new Date(from + ((to - from) * (i + 1)) / USAGE_HISTORY_PARTS).toISOString());
}

/** The customer's installs that are decommissioned (DESIGN.md §11): their usage no longer counts. */
export async function decommissionedInstalls(c: Clients, customerId: string): Promise<Set<string>> {
  // Only install items carry a status; the partition's latest summaries (large) are dropped by the filter, not sent.
  const index = table.indexes.byCustomer;
  const items = await queryAll(c, {
    keys: index,
    partition: customerIndexPartition(customerId),
    filter: { attribute: 'status', value: 'decommissioned' },
    projection: `installId, ${index.sortKey}`,
  });
  // The install item's own entry, not one of its summaries' (their keys name a query type too).
  const own = items.filter((item) => item[index.sortKey] === customerIndexKeys(customerId, item.installId as string)[index.sortKey]);
  return new Set(own.map((item) => item.installId as string));
}

/** Every customer with an entitlement or a latest licensing-counts summary, ordered by id. */
export async function complianceCustomers(c: Clients): Promise<string[]> {
  const index = table.indexes.complianceCustomers;
  const items = await queryAll(c, { keys: index, partition: COMPLIANCE_PARTITION, projection: index.sortKey });
  return [...new Set(items.map((item) => customerOfComplianceEntry(item[index.sortKey] as string)))];
}
