/**
 * The two staff listings of DESIGN.md §10: customers by id, installs by customer and name.
 * Each page is one Query of its own GSI1 partition (never a scan); what changes per upload
 * (lastSeenAt, and the usage-collection flag) is read from the install items of the page, so
 * an upload writes nothing more for these listings.
 */
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { CustomerListItem, InstallListItem } from '../domain/directory.js';
import { CUSTOMERS_PARTITION, customerIndexPartition, INSTALL_NAMES_PARTITION, installNamePrefix, itemKeys } from '../domain/storageKeys.js';
import type { Clients } from './clients.js';
import { sleep } from './dynamo.js';
import { type Page, queryAll, queryPage } from './indexQueries.js';
import { table } from './tableDefinition.js';

/** The rows' types live in the domain (the console shares them); still importable from here. */
export type { CustomerListItem, InstallListItem } from '../domain/directory.js';

/**
 * Queries in flight for the lastSeenAt of a page's customers: a page of 1,000 (the overview
 * counts customers and installs with it) is one such Query per customer, so its answer time is
 * about their number over this (DynamoDB Local, 250 customers, loaded machine: 370–510 ms at 16,
 * 500–830 ms at 8; 32 and 64 no better).
 */
const LAST_SEEN_READS_IN_FLIGHT = 16;

/** One page of customers by id; `prefix` narrows to ids that start with it. */
export async function listCustomers(c: Clients, prefix: string | undefined, page: { limit: number; cursor?: string }): Promise<Page<CustomerListItem>> {
  const result = await queryPage(
    c,
    { keys: table.indexes.customers, partition: CUSTOMERS_PARTITION, ...(prefix ? { sortKey: { op: 'begins_with' as const, value: prefix } } : {}) },
    page,
  );
  const customers = result.items.filter((item) => Number(item.installs) > 0);
  const lastSeen = new Map<string, string | null>();
  // A customer's last upload is the latest of its installs': read from its partition of the
  // customer index, LAST_SEEN_READS_IN_FLIGHT customers at a time.
  for (let i = 0; i < customers.length; i += LAST_SEEN_READS_IN_FLIGHT) {
    await Promise.all(customers.slice(i, i + LAST_SEEN_READS_IN_FLIGHT).map(async (item) => {
    const customerId = item.customerId as string;
    const installs = await queryAll(c, { keys: table.indexes.byCustomer, partition: customerIndexPartition(customerId), projection: 'installId, lastSeenAt' });
    const latest = installs.map((i) => i.lastSeenAt as string | undefined).filter((at): at is string => typeof at === 'string').sort().pop();
    lastSeen.set(customerId, latest ?? null);
    }));
  }
  return {
    items: customers.map((item) => ({ customerId: item.customerId as string, installs: Number(item.installs), lastSeenAt: lastSeen.get(item.customerId as string) ?? null })),
    nextCursor: result.nextCursor,
  };
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

/** Install items by id, 100 per BatchGetItem. */
async function getInstallItems(c: Clients, installIds: string[]): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < installIds.length; i += 100) {
    let keys: Record<string, unknown>[] = installIds.slice(i, i + 100).map((id) => itemKeys.install(id));
    for (let attempt = 0; keys.length > 0; attempt++) {
      const answer = await c.ddb.send(new BatchGetCommand({ RequestItems: { [c.config.tableName]: { Keys: keys } } }));
      for (const item of answer.Responses?.[c.config.tableName] ?? []) found.set(item.installId as string, item);
      keys = (answer.UnprocessedKeys?.[c.config.tableName]?.Keys ?? []) as Record<string, unknown>[];
      if (keys.length > 0 && attempt >= 10) throw new Error('DynamoDB left reads unprocessed after 10 attempts');
      if (keys.length > 0) await sleep(Math.min(1000, 20 * 2 ** attempt));
    }
  }
  return found;
}

/** Every customer with a registered install (the digest's over-deployment pass). */
export async function allCustomerIds(c: Clients): Promise<string[]> {
  const items = await queryAll(c, { keys: table.indexes.customers, partition: CUSTOMERS_PARTITION, projection: 'customerId, installs' });
  return items.filter((item) => Number(item.installs) > 0).map((item) => item.customerId as string);
}
