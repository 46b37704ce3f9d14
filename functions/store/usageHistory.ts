/**
 * Reads for compliance: a customer's usage history (its licensing-counts snapshots with their
 * item counts, one Query of the usageByCustomer index), its installs' lifecycle, and the
 * customers the over-deployment report checks (one Query of complianceCustomers). Never a scan.
 */
import type { UsageSnapshot } from '../domain/compliance.js';
import { COMPLIANCE_PARTITION, customerIndexPartition, customerOfComplianceEntry, usageIndexPartition } from '../domain/storageKeys.js';
import type { Clients } from './clients.js';
import { queryAll } from './indexQueries.js';
import { table } from './tableDefinition.js';

/** The customer's licensing-counts snapshots collected before `before` (a UTC instant), oldest first. */
export async function usageHistory(c: Clients, customerId: string, before: string): Promise<UsageSnapshot[]> {
  const index = table.indexes.usageByCustomer;
  const items = await queryAll(c, {
    keys: index,
    partition: usageIndexPartition(customerId),
    sortKey: { op: '<', value: before },
    projection: `${index.sortKey}, countsJson`,
  });
  return items.map((item) => {
    const sortKey = item[index.sortKey] as string;
    const split = sortKey.indexOf('#');
    // JSON.parse makes own properties of every key (`__proto__` too); the Map keeps them as data.
    const counts = new Map(Object.entries(JSON.parse(item.countsJson as string) as Record<string, number>));
    return { collectedAt: sortKey.slice(0, split), installId: sortKey.slice(split + 1), counts };
  });
}

/** The customer's installs that are decommissioned (DESIGN.md §11): their usage no longer counts. */
export async function decommissionedInstalls(c: Clients, customerId: string): Promise<Set<string>> {
  const items = await queryAll(c, {
    keys: table.indexes.byCustomer,
    partition: customerIndexPartition(customerId),
  });
  return new Set(items.filter((item) => item.type === 'install' && item.status === 'decommissioned').map((item) => item.installId as string));
}

/** Every customer with an entitlement or a latest licensing-counts summary, ordered by id. */
export async function complianceCustomers(c: Clients): Promise<string[]> {
  const index = table.indexes.complianceCustomers;
  const items = await queryAll(c, { keys: index, partition: COMPLIANCE_PARTITION, projection: index.sortKey });
  return [...new Set(items.map((item) => customerOfComplianceEntry(item[index.sortKey] as string)))];
}
