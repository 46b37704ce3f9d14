/**
 * Usage data collection (DESIGN.md §4): the MPA admin's opt-in/out. Opting out also deletes
 * everything stored of the install's optional query types, raw and aggregated.
 */
import { isOptionalQueryType, optionalQueryTypes, type QueryType } from '../domain/queries/queryTypes.js';
import { itemKeys, itemPrefixes, rawQueryPrefix } from '../domain/storageKeys.js';
import type { Clients } from '../store/clients.js';
import { batchDelete } from '../store/dynamo.js';
import { baseTable, queryAll } from '../store/indexQueries.js';
import { getInstall, setUsageCollectionFlag } from '../store/installs.js';
import { deleteRawPrefix } from '../store/rawArchive.js';
import { forgetSessionReceipts, sessionIdsOf } from '../store/uploadSessions.js';

export async function setUsageCollection(c: Clients, installId: string, enabled: boolean): Promise<{ enabled: boolean }> {
  // The flag first: from here on no optional upload can commit (its transaction checks it).
  await setUsageCollectionFlag(c, installId, enabled);
  if (!enabled) await purgeOptionalData(c, installId);
  return { enabled };
}

/**
 * Deletes the install's optional data: raw objects, snapshots, upload log entries, latest
 * summaries, and the receipts its settled upload sessions still hold of them. Idempotent.
 */
export async function purgeOptionalData(c: Clients, installId: string): Promise<void> {
  for (const queryType of optionalQueryTypes) {
    await deleteRawPrefix(c, rawQueryPrefix(queryType, installId));
    const keys = await snapshotAndUploadKeys(c, installId, queryType);
    keys.push(itemKeys.latest(installId, queryType));
    await batchDelete(c, keys);
  }
  await forgetSessionReceipts(c, installId, await sessionIdsOf(c, installId), isOptionalQueryType);
}

/**
 * After an upload session settled holding receipts of optional types (a bundle's files, a
 * duplicate query): forgets them if the install has opted out meanwhile. The opt-out writes its
 * flag before its cleanup reads the sessions, and this reads the flag after the session settled,
 * so one of the two sees the receipts (a large bundle settles minutes after its files commit).
 */
export async function forgetOptionalReceiptsIfOptedOut(c: Clients, installId: string, uploadId: string, queryTypes: readonly QueryType[]): Promise<void> {
  if (!queryTypes.some(isOptionalQueryType)) return;
  const install = await getInstall(c, installId, true);
  if (install?.usageCollectionEnabled === false) await forgetSessionReceipts(c, installId, [uploadId], isOptionalQueryType);
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

