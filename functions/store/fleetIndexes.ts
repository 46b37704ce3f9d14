/**
 * The fleet-wide indexes behind the duplicate-identifiers and versions reports
 * (docs/reports.md): per identifier bucket, one item per install with its identifiers there and
 * one duplicate item, in a sparse index, per identifier that two or more installs hold; and one
 * FLEET item per install with its version histogram and the snapshots the indexes reflect.
 */
import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { batchWrite, type WriteRequest } from './dynamo.js';
import type { VersionHistogram } from '../domain/fleetIndexes.js';
import { DUPLICATES_PARTITION, duplicateIndexKeys, identifierBucketPartition, itemKeys, itemPrefixes, VERSIONS_PARTITION, versionIndexKeys } from '../domain/storageKeys.js';
import type { Clients } from './clients.js';
import { baseTable, type Page, queryAll, queryPage } from './indexQueries.js';
import { table } from './tableDefinition.js';

export interface FleetState {
  /** The raw snapshots the indexes reflect ('' for none). */
  devicesRawKey: string;
  versionsRawKey: string;
  versions?: VersionHistogram;
  /**
   * Set while a sync writes the identifier buckets of this devices snapshot: a sync that finds
   * it set was interrupted, and the buckets may hold any mix of old and new (so all are rewritten).
   */
  pendingDevicesRawKey?: string;
}

export async function getFleetState(c: Clients, installId: string): Promise<FleetState> {
  const { Item } = await c.ddb.send(new GetCommand({ TableName: c.config.tableName, Key: itemKeys.fleetState(installId), ConsistentRead: true }));
  return {
    devicesRawKey: (Item?.devicesRawKey as string | undefined) ?? '',
    versionsRawKey: (Item?.versionsRawKey as string | undefined) ?? '',
    ...(Item?.versionsJson ? { versions: JSON.parse(Item.versionsJson as string) as VersionHistogram } : {}),
    ...(Item?.pendingDevicesRawKey !== undefined ? { pendingDevicesRawKey: Item.pendingDevicesRawKey as string } : {}),
  };
}

function fleetStateItem(installId: string, state: FleetState) {
  return {
    ...itemKeys.fleetState(installId),
    ...(state.versions ? versionIndexKeys(installId) : {}),
    type: 'fleet',
    installId,
    devicesRawKey: state.devicesRawKey,
    versionsRawKey: state.versionsRawKey,
    ...(state.versions ? { versionsJson: JSON.stringify(state.versions) } : {}),
    ...(state.pendingDevicesRawKey !== undefined ? { pendingDevicesRawKey: state.pendingDevicesRawKey } : {}),
  };
}

export async function putFleetState(c: Clients, installId: string, state: FleetState): Promise<void> {
  await c.ddb.send(new PutCommand({ TableName: c.config.tableName, Item: fleetStateItem(installId, state) }));
}

export async function deleteFleetState(c: Clients, installId: string): Promise<void> {
  await c.ddb.send(new DeleteCommand({ TableName: c.config.tableName, Key: itemKeys.fleetState(installId) }));
}

/** BatchWriteItem's most requests in one call. */
/**
 * Sets an install's identifier keys in each of `buckets` (an empty list deletes its item
 * there): whole items, so writing them again is harmless. About one write request per 25 buckets.
 */
export async function putBucketHolders(c: Clients, installId: string, buckets: readonly { bucket: number; keys: readonly string[] }[], signal?: AbortSignal): Promise<void> {
  const requests: WriteRequest[] = buckets.map(({ bucket, keys }) =>
    keys.length === 0
      ? { DeleteRequest: { Key: itemKeys.bucketHolder(bucket, installId) } }
      : { PutRequest: { Item: { ...itemKeys.bucketHolder(bucket, installId), type: 'identifiers', installId, identifiers: new Set(keys) } } },
  );
  await batchWrite(c, requests, signal);
}

/** What one identifier bucket holds: each install's keys there, and the duplicates recorded for it. */
export interface IdentifierBucket {
  holders: Map<string, Set<string>>;
  /** Identifier key → the installs recorded as holding it. */
  duplicates: Map<string, string[]>;
}

/** Reads one bucket whole (strongly consistent: it must see the writes that preceded it). */
export async function readIdentifierBucket(c: Clients, bucket: number): Promise<IdentifierBucket> {
  const items = await queryAll(c, { keys: baseTable, partition: identifierBucketPartition(bucket), consistent: true });
  const holders = new Map<string, Set<string>>();
  const duplicates = new Map<string, string[]>();
  for (const item of items) {
    const sortKey = item[table.sortKey] as string;
    if (sortKey.startsWith(itemPrefixes.bucketHolder)) holders.set(item.installId as string, item.identifiers as Set<string>);
    else if (sortKey.startsWith(itemPrefixes.bucketDuplicate)) {
      duplicates.set(sortKey.slice(itemPrefixes.bucketDuplicate.length), [...(item.installs as Set<string>)].sort());
    }
  }
  return { holders, duplicates };
}

/** Records (`put`: key → installs) and withdraws (`remove`) duplicate identifiers of one bucket, in the duplicates index. */
export async function writeBucketDuplicates(c: Clients, bucket: number, put: ReadonlyMap<string, readonly string[]>, remove: readonly string[]): Promise<void> {
  const requests: WriteRequest[] = [
    ...[...put].map(([key, installs]): WriteRequest => ({
      PutRequest: { Item: { ...itemKeys.duplicateIdentifier(bucket, key), ...duplicateIndexKeys(key), type: 'duplicate', installs: new Set(installs) } },
    })),
    ...remove.map((key): WriteRequest => ({ DeleteRequest: { Key: itemKeys.duplicateIdentifier(bucket, key) } })),
  ];
  await batchWrite(c, requests);
}

export interface DuplicateIdentifierRow {
  identifier: string;
  installIds: string[];
}

export async function duplicateIdentifiers(c: Clients, page: { limit: number; cursor?: string }): Promise<Page<DuplicateIdentifierRow>> {
  const result = await queryPage(c, { keys: table.indexes.duplicateIdentifiers, partition: DUPLICATES_PARTITION }, page);
  return {
    items: result.items.map((item) => ({ identifier: item[table.indexes.duplicateIdentifiers.sortKey] as string, installIds: [...(item.installs as Set<string>)].sort() })),
    nextCursor: result.nextCursor,
  };
}

export async function allVersionHistograms(c: Clients): Promise<VersionHistogram[]> {
  const items = await queryAll(c, { keys: table.indexes.versionsByInstall, partition: VERSIONS_PARTITION, projection: 'versionsJson' });
  return items.map((item) => JSON.parse(item.versionsJson as string) as VersionHistogram);
}

/** customerId of each install, for report rows (one BatchGet per 100 installs). */
export async function customersOf(c: Clients, installIds: readonly string[]): Promise<Map<string, string>> {
  const customers = new Map<string, string>();
  const unique = [...new Set(installIds)];
  for (let i = 0; i < unique.length; i += 100) {
    let keys = unique.slice(i, i + 100).map((id) => itemKeys.install(id));
    for (let attempt = 0; keys.length > 0 && attempt < 10; attempt++) {
      const result = await c.ddb.send(
        new BatchGetCommand({ RequestItems: { [c.config.tableName]: { Keys: keys, ProjectionExpression: 'installId, customerId' } } }),
      );
      for (const item of result.Responses?.[c.config.tableName] ?? []) customers.set(item.installId as string, item.customerId as string);
      keys = (result.UnprocessedKeys?.[c.config.tableName]?.Keys ?? []) as typeof keys;
    }
  }
  return customers;
}
