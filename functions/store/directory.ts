/**
 * The two staff listings of DESIGN.md §10: customers by id, installs by customer and name.
 * Each page is one Query of its own GSI1 partition (never a scan); what changes per upload
 * (lastSeenAt, and the usage-collection flag) is read from the install items of the page, so
 * an upload writes nothing more for these listings. A page of customers finds its installs as
 * one range of the directory of installs (sorted by customer id first).
 */
import type { CustomerListItem, InstallListItem } from '../domain/directory.js';
import { CUSTOMERS_PARTITION, INSTALL_NAMES_PARTITION, installNamePrefix, installNamesEnd, itemKeys } from '../domain/storageKeys.js';
import type { Clients } from './clients.js';
import { batchGet } from './dynamo.js';
import { type Page, queryAll, queryPage } from './indexQueries.js';
import { table } from './tableDefinition.js';

/** The rows' types live in the domain (the console shares them); still importable from here. */
export type { CustomerListItem, InstallListItem } from '../domain/directory.js';

/** BatchGetItems in flight when a listing reads its page's install items. */
const INSTALL_READS_IN_FLIGHT = 8;

/** One page of customers by id; `prefix` narrows to ids that start with it. */
export async function listCustomers(c: Clients, prefix: string | undefined, page: { limit: number; cursor?: string }): Promise<Page<CustomerListItem>> {
  const result = await queryPage(
    c,
    { keys: table.indexes.customers, partition: CUSTOMERS_PARTITION, ...(prefix ? { sortKey: { op: 'begins_with' as const, value: prefix } } : {}) },
    page,
  );
  const customers = result.items.filter((item) => Number(item.installs) > 0);
  const lastSeen = await latestUploadOf(c, customers.map((item) => item.customerId as string));
  return {
    items: customers.map((item) => ({ customerId: item.customerId as string, installs: Number(item.installs), lastSeenAt: lastSeen.get(item.customerId as string) ?? null })),
    nextCursor: result.nextCursor,
  };
}

/**
 * Each customer's latest upload, the latest lastSeenAt of its installs in the directory (an
 * install being purged has left it). A page of customers is a run of ids, and the directory is
 * sorted by customer id first, so their installs are one range of it: a (paged) Query of that
 * range, then those install items, 100 a BatchGetItem. Before, one Query per customer of its
 * `byCustomer` partition: 250 customers' answered in 0.9–1 s on DynamoDB Local (docs/console.md).
 */
async function latestUploadOf(c: Clients, customerIds: string[]): Promise<Map<string, string | null>> {
  const latest = new Map<string, string | null>(customerIds.map((id) => [id, null]));
  const sorted = [...customerIds].sort();
  const [first, last] = [sorted[0], sorted.at(-1)];
  if (first === undefined || last === undefined) return latest;
  const entries = await queryAll(c, {
    keys: table.indexes.installsByName,
    partition: INSTALL_NAMES_PARTITION,
    sortKey: { op: 'between', value: installNamePrefix(first), upTo: installNamesEnd(last) },
    projection: 'installId, customerId',
  });
  const installIds = entries.filter((entry) => latest.has(entry.customerId as string)).map((entry) => entry.installId as string);
  const installs = await getInstallItems(c, installIds, 'installId, customerId, lastSeenAt');
  for (const install of installs.values()) {
    const customerId = install.customerId as string;
    const known = latest.get(customerId) ?? null;
    const at = install.lastSeenAt;
    if (typeof at === 'string' && (known === null || at > known)) latest.set(customerId, at);
  }
  return latest;
}

/** One page of installs by customerId, then name; `customerId` narrows to one customer's. */
export async function listInstalls(c: Clients, customerId: string | undefined, page: { limit: number; cursor?: string }): Promise<Page<InstallListItem>> {
  const result = await queryPage(
    c,
    {
      keys: table.indexes.installsByName,
      partition: INSTALL_NAMES_PARTITION,
      ...(customerId !== undefined ? { sortKey: { op: 'begins_with' as const, value: installNamePrefix(customerId) } } : {}),
    },
    page,
  );
  const installs = await getInstallItems(c, result.items.map((item) => item.installId as string));
  const items: InstallListItem[] = [];
  for (const entry of result.items) {
    const install = installs.get(entry.installId as string);
    // An install being purged has lost its directory entry already; one gone meanwhile is skipped.
    if (!install || install.deleting === true) continue;
    items.push({
      installId: install.installId as string,
      customerId: install.customerId as string,
      name: install.name as string,
      createdAt: install.createdAt as string,
      lastSeenAt: (install.lastSeenAt as string | undefined) ?? null,
      usageCollection: { enabled: install.usageCollectionEnabled !== false },
      status: install.status === 'decommissioned' ? 'decommissioned' : 'active',
    });
  }
  return { items, nextCursor: result.nextCursor };
}

/** Install items by id (only `projection`'s attributes, when given), INSTALL_READS_IN_FLIGHT BatchGetItems at once. */
async function getInstallItems(c: Clients, installIds: string[], projection?: string): Promise<Map<string, Record<string, unknown>>> {
  const keys = installIds.map((id) => itemKeys.install(id));
  const items = await batchGet(c, keys, { ...(projection ? { projection } : {}), inFlight: INSTALL_READS_IN_FLIGHT });
  return new Map(items.map((item) => [item.installId as string, item]));
}

/** Every customer with a registered install (the digest's over-deployment pass). */
export async function allCustomerIds(c: Clients): Promise<string[]> {
  const items = await queryAll(c, { keys: table.indexes.customers, partition: CUSTOMERS_PARTITION, projection: 'customerId, installs' });
  return items.filter((item) => Number(item.installs) > 0).map((item) => item.customerId as string);
}
