/**
 * A long sort-key range read in parts at once (store/indexQueries.ts queryAllInParts, as the
 * compliance reads a customer's usage history) answers exactly what one Query after another
 * answers: every item below the bound once, in key order, whatever the page size, the cuts
 * (instants or keys of items, ties among them), the filter and the projection;
 * and the decommissioned installs are read from the customer index without its summaries.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { customerIndexKeys, itemKeys, usageIndexKeys, usageIndexPartition } from '../../functions/domain/storageKeys.js';
import { createClients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { queryAll, queryAllInParts } from '../../functions/store/indexQueries.js';
import { table } from '../../functions/store/tableDefinition.js';
import { decommissionedInstalls, usageHistory } from '../../functions/store/usageHistory.js';

const c = createClients(storageConfig());
const TableName = c.config.tableName;
afterAll(() => destroyClients(c));

const customerId = `parts-${process.pid}-${Date.now()}`;
/** Sorted, so that the snapshots of one instant come in this order. */
const installs = [randomUUID(), randomUUID(), randomUUID()].sort();
/** 90 snapshots: three installs, a day apart, three collected at each instant. */
const collectedAts = Array.from({ length: 30 }, (_, day) => new Date(Date.UTC(2026, 0, 1 + day, 2)).toISOString());

beforeAll(async () => {
  const items = collectedAts.flatMap((collectedAt, day) =>
    installs.map((installId, i) => ({
      ...itemKeys.usage(installId, collectedAt),
      ...usageIndexKeys(customerId, collectedAt, installId),
      type: 'usage',
      countsJson: JSON.stringify({ 'IPT users': day * 10 + i }),
    })),
  );
  // Items of other keys that share an index sort key with a usage item: ties, and a filter's work.
  const ties = [3, 3, 17].map((day, n) => ({
    PK: `TIE#${customerId}#${n}`,
    SK: 'TIE',
    ...usageIndexKeys(customerId, collectedAts[day] as string, installs[1] as string),
    type: 'tie',
    countsJson: JSON.stringify({ tie: n }),
  }));
  const all = [...items, ...ties];
  for (let i = 0; i < all.length; i += 25) {
    const answer = await c.ddb.send(new BatchWriteCommand({ RequestItems: { [TableName]: all.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
    expect(Object.keys(answer.UnprocessedItems ?? {})).toEqual([]);
  }
});

const index = table.indexes.usageByCustomer;
const keysOf = (items: Record<string, unknown>[]) => items.map((item) => `${item[index.sortKey]} ${item.countsJson}`);

it('reads every item below the bound once, in key order, for any page size, cuts, filter and projection', async () => {
  const partition = usageIndexPartition(customerId);
  const keys = (await queryAll(c, { keys: index, partition, projection: index.sortKey })).map((item) => item[index.sortKey] as string);
  expect(keys).toHaveLength(93);
  const keyOrInstant = fc.oneof(fc.constantFrom(...keys), fc.constantFrom(...collectedAts), fc.date({ min: new Date('2025-12-30'), max: new Date('2026-02-02'), noInvalidDate: true }).map((d) => d.toISOString()));
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 40 }),
      keyOrInstant,
      fc.array(keyOrInstant, { maxLength: 6 }),
      fc.boolean(),
      fc.constantFrom(`${index.sortKey}, countsJson`, 'countsJson'),
      async (pageItems, bound, cuts, filtered, projection) => {
        const filter = filtered ? { filter: { attribute: 'type', value: 'usage' } } : {};
        const expected = (await queryAll(c, { keys: index, partition, projection: `${index.sortKey}, countsJson`, ...filter })).filter((item) => (item[index.sortKey] as string) < bound);
        const read = await queryAllInParts(c, { keys: index, partition, sortKey: { op: '<', value: bound }, projection, ...filter }, () => cuts, pageItems);
        expect(keysOf(read)).toEqual(keysOf(expected));
      },
    ),
    { numRuns: 60 },
  );
});

it('reads a usage history in spans of time as it reads it whole', async () => {
  const whole = await usageHistory(c, customerId, '2026-01-20T02:00:00.000Z#');
  // Nineteen days of three installs, and the three ties of days 3 and 17.
  expect(whole).toHaveLength(19 * 3 + 3);
  for (const pageItems of [1, 4, 7, 50]) expect(await usageHistory(c, customerId, '2026-01-20T02:00:00.000Z#', pageItems)).toEqual(whole);
  expect(whole[0]).toEqual({ collectedAt: collectedAts[0], installId: installs[0], counts: new Map([['IPT users', 0]]) });
  expect(whole.at(-1)).toEqual({ collectedAt: collectedAts[18], installId: installs[2], counts: new Map([['IPT users', 182]]) });
});

it('finds the decommissioned installs of a customer, not its summaries or other installs', async () => {
  const owner = `decommissioned-${process.pid}-${Date.now()}`;
  const put = (Item: Record<string, unknown>) => c.ddb.send(new PutCommand({ TableName, Item }));
  await put({ ...itemKeys.install(installs[0] as string), ...customerIndexKeys(owner, installs[0] as string), type: 'install', installId: installs[0], status: 'decommissioned' });
  await put({ ...itemKeys.install(installs[1] as string), ...customerIndexKeys(owner, installs[1] as string), type: 'install', installId: installs[1], status: 'active' });
  // A summary item in the same partition that (wrongly or not) carries such a status is no install.
  await put({ PK: `SUMMARY-TEST#${owner}`, SK: 'x', ...customerIndexKeys(owner, installs[2] as string, 'devices'), type: 'latest', installId: installs[2], status: 'decommissioned' });
  expect(await decommissionedInstalls(c, owner)).toEqual(new Set([installs[0]]));
});
