/**
 * Reads behind the customer roll-up and the reports: each one Query on an index, never a scan
 * (cost model in docs/reports.md).
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { InstallShare } from '../domain/customerLicenseState.js';
import type { QueryType } from '../domain/queries/index.js';
import type { ExpiryCandidate } from '../domain/reports.js';
import { EXPIRING_PARTITION, INSTALLS_PARTITION } from '../domain/storageKeys.js';
import type { Clients } from './clients.js';
import { decodeCursor, encodeCursor } from './dynamo.js';
import { table } from './tableDefinition.js';

async function queryAll(c: Clients, input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await c.ddb.send(new QueryCommand({ ...input, TableName: c.config.tableName, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** A customer's installs (how many) and the latest roll-up snapshots of each. */
export async function customerShares(c: Clients, customerId: string): Promise<{ installs: number; shares: InstallShare[] }> {
  const index = table.indexes.byCustomer;
  const items = await queryAll(c, {
    IndexName: index.indexName,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': index.partitionKey },
    ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}` },
  });
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
  const index = table.indexes.expiringByDate;
  const items = await queryAll(c, {
    IndexName: index.indexName,
    KeyConditionExpression: '#pk = :pk AND #sk <= :end',
    ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
    ExpressionAttributeValues: { ':pk': EXPIRING_PARTITION, ':end': `${windowEnd}#\uffff` },
    ProjectionExpression: 'installId, customerId, queryType, expiriesJson',
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
export async function staleInstalls(c: Clients, cutoff: string, page: { limit: number; cursor?: string }): Promise<{ items: StaleInstall[]; nextCursor: string | null }> {
  const index = table.indexes.installsByLastSeen;
  const startKey = decodeCursor(page.cursor, ['PK', 'SK', index.partitionKey, index.sortKey]);
  const result = await c.ddb.send(
    new QueryCommand({
      TableName: c.config.tableName,
      IndexName: index.indexName,
      KeyConditionExpression: '#pk = :pk AND #sk < :cutoff',
      ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
      ExpressionAttributeValues: { ':pk': INSTALLS_PARTITION, ':cutoff': cutoff },
      Limit: page.limit,
      ExclusiveStartKey: startKey,
    }),
  );
  return {
    items: (result.Items ?? []).map((item) => ({
      installId: item.installId as string,
      customerId: item.customerId as string,
      name: item.name as string,
      lastSeenAt: (item.lastSeenAt as string | undefined) ?? null,
    })),
    nextCursor: encodeCursor(result.LastEvaluatedKey),
  };
}
