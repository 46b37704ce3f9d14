/**
 * Usage data collection (DESIGN.md §4): the MPA admin's opt-in/out. Opting out also deletes
 * everything stored of the install's optional query types, raw and aggregated.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { optionalQueryTypes, type QueryType } from '../domain/queries/queryTypes.js';
import { itemKeys, itemPrefixes, rawQueryPrefix } from '../domain/storageKeys.js';
import type { Clients } from '../store/clients.js';
import { sleep } from '../store/dynamo.js';
import { baseTable, queryAll } from '../store/indexQueries.js';
import { setUsageCollectionFlag } from '../store/installs.js';
import { deleteRawPrefix } from '../store/rawArchive.js';

export async function setUsageCollection(c: Clients, installId: string, enabled: boolean): Promise<{ enabled: boolean }> {
  // The flag first: from here on no optional upload can commit (its transaction checks it).
  await setUsageCollectionFlag(c, installId, enabled);
  if (!enabled) await purgeOptionalData(c, installId);
  return { enabled };
}

/** Deletes the install's optional data: raw objects, snapshots, upload log entries, latest summaries. Idempotent. */
export async function purgeOptionalData(c: Clients, installId: string): Promise<void> {
  for (const queryType of optionalQueryTypes) {
    await deleteRawPrefix(c, rawQueryPrefix(queryType, installId));
    const keys = await snapshotAndUploadKeys(c, installId, queryType);
    keys.push(itemKeys.latest(installId, queryType));
    await deleteItems(c, keys);
  }
}

async function snapshotAndUploadKeys(c: Clients, installId: string, queryType: QueryType) {
  const snapshots = await queryAll(c, {
    keys: baseTable,
    partition: itemKeys.install(installId).PK,
    sortKey: { op: 'begins_with', value: itemPrefixes.snapshotsOf(queryType) },
    projection: 'PK, SK, uploadId',
  });
  return snapshots.flatMap((item) => [{ PK: item.PK as string, SK: item.SK as string }, itemKeys.upload(item.uploadId as string)]);
}

async function deleteItems(c: Clients, keys: { PK: string; SK: string }[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 25) {
    let requests = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      const { UnprocessedItems } = await c.ddb.send(new BatchWriteCommand({ RequestItems: { [c.config.tableName]: requests } }));
      requests = (UnprocessedItems?.[c.config.tableName] ?? []) as typeof requests;
      if (requests.length > 0 && attempt >= 10) throw new Error('DynamoDB left deletes unprocessed after 10 attempts');
      if (requests.length > 0) await sleep(Math.min(1000, 20 * 2 ** attempt));
    }
  }
}
