/**
 * The fleet-wide indexes behind the duplicate-identifiers and versions reports
 * (docs/reports.md): one HOLDERS item per device identifier with the set of installs holding
 * it, flagged into a sparse index while that set has two or more members; and one FLEET item
 * per install with its version histogram and the snapshots the indexes reflect.
 */
import { BatchGetCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { VersionHistogram } from '../domain/fleetIndexes.js';
import { DUPLICATES_PARTITION, duplicateIndexKeys, itemKeys, VERSIONS_PARTITION, versionIndexKeys } from '../domain/storageKeys.js';
import type { Clients } from './clients.js';
import { isConditionFailure, setClause } from './dynamo.js';
import { type Page, queryAll, queryPage } from './indexQueries.js';
import { table } from './tableDefinition.js';

export interface FleetState {
  /** The raw snapshots the indexes reflect ('' for none). */
  devicesRawKey: string;
  versionsRawKey: string;
  versions?: VersionHistogram;
}

export async function getFleetState(c: Clients, installId: string): Promise<FleetState> {
  const { Item } = await c.ddb.send(new GetCommand({ TableName: c.config.tableName, Key: itemKeys.fleetState(installId), ConsistentRead: true }));
  return {
    devicesRawKey: (Item?.devicesRawKey as string | undefined) ?? '',
    versionsRawKey: (Item?.versionsRawKey as string | undefined) ?? '',
    ...(Item?.versionsJson ? { versions: JSON.parse(Item.versionsJson as string) as VersionHistogram } : {}),
  };
}

export async function putFleetState(c: Clients, installId: string, state: FleetState): Promise<void> {
  await c.ddb.send(
    new PutCommand({
      TableName: c.config.tableName,
      Item: {
        ...itemKeys.fleetState(installId),
        ...(state.versions ? versionIndexKeys(installId) : {}),
        type: 'fleet',
        installId,
        devicesRawKey: state.devicesRawKey,
        versionsRawKey: state.versionsRawKey,
        ...(state.versions ? { versionsJson: JSON.stringify(state.versions) } : {}),
      },
    }),
  );
}

/**
 * Adds or removes an install from an identifier's holders: one atomic set update, and a
 * second, conditional one only when the set crosses two members (the duplicate flag).
 */
export async function changeIdentifierHolder(c: Clients, identifier: string, installId: string, hold: boolean): Promise<void> {
  const Key = itemKeys.identifierHolders(identifier);
  const TableName = c.config.tableName;
  const { Attributes } = await c.ddb.send(
    new UpdateCommand({
      TableName,
      Key,
      UpdateExpression: hold ? 'ADD installs :me' : 'DELETE installs :me',
      ExpressionAttributeValues: { ':me': new Set([installId]) },
      ReturnValues: 'ALL_NEW',
    }),
  );
  const holders = (Attributes?.installs as Set<string> | undefined)?.size ?? 0;
  const flagged = Attributes?.[table.indexes.duplicateIdentifiers.partitionKey] !== undefined;
  const index = setClause(duplicateIndexKeys(identifier), 'index');
  try {
    if (holders >= 2 && !flagged) {
      await c.ddb.send(
        new UpdateCommand({
          TableName,
          Key,
          UpdateExpression: `SET ${index.expression}`,
          ExpressionAttributeNames: index.names,
          ConditionExpression: 'size(installs) >= :two',
          ExpressionAttributeValues: { ...index.values, ':two': 2 },
        }),
      );
    } else if (holders < 2 && flagged) {
      await c.ddb.send(
        new UpdateCommand({
          TableName,
          Key,
          UpdateExpression: `REMOVE ${Object.keys(index.names).join(', ')}`,
          ExpressionAttributeNames: index.names,
          ConditionExpression: 'attribute_not_exists(installs) OR size(installs) < :two',
          ExpressionAttributeValues: { ':two': 2 },
        }),
      );
    }
  } catch (error) {
    // Another install changed the set meanwhile; its own update sets the flag right.
    if (!isConditionFailure(error)) throw error;
  }
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
