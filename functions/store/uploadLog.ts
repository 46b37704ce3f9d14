/**
 * The upload log and the per-install snapshot state (DynamoDB items UPLOAD, SNAPSHOT and
 * LATEST; docs/storage.md). Every accepted upload is committed by one transaction of a
 * constant number of writes, whatever its record count.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { defined } from '../domain/defined.js';
import type { Problem } from '../domain/problems.js';
import type { QueryType } from '../domain/queries/index.js';
import { type Receipt, receiptOf } from '../domain/receipts.js';
import { rollupQueryTypes } from '../domain/customerLicenseState.js';
import type { ExpiryHistogram } from '../domain/queries/types.js';
import { complianceIndexKeys, customerIndexKeys, expiringIndexKeys, itemKeys, itemPrefixes, lastSeenIndexKeys, uploadIndexKeys, uploadIndexPartition, usageIndexKeys } from '../domain/storageKeys.js';
import { table } from './tableDefinition.js';
import type { Clients } from './clients.js';
import { INSTALL_ACTIVE, INSTALL_ACTIVE_NAMES, INSTALL_ACTIVE_VALUES, type InstallRefusal, installRefusal } from './installs.js';
import { cancellationReasons, setClause, sleep, type TransactItem, type TransactItems } from './dynamo.js';
import { baseTable, type Page, queryAll, queryPage } from './indexQueries.js';

export type UploadStatus = 'pending' | 'accepted' | 'rejected';

export interface UploadItem {
  uploadId: string;
  installId: string;
  queryType?: QueryType;
  status: UploadStatus;
  receivedAt: string;
  receipt?: Receipt;
  problem?: Problem;
  rawKey?: string;
}

export interface SnapshotItem {
  uploadId: string;
  sha256: string;
  recordCount: number;
  collectedAt: string;
  rawKey: string;
  receivedAt: string;
}

export interface LatestItem {
  queryType: QueryType;
  collectedAt: string;
  uploadId: string;
  rawKey: string;
  recordCount: number;
  summary: unknown;
}

/** Summaries are stored as JSON text: key order survives, and DynamoDB need not marshal a map. */
function toLatest(item: Record<string, unknown>): LatestItem {
  return {
    queryType: item.queryType as QueryType,
    collectedAt: item.collectedAt as string,
    uploadId: item.uploadId as string,
    rawKey: item.rawKey as string,
    recordCount: item.recordCount as number,
    summary: JSON.parse(item.summaryJson as string),
  };
}

export async function getSnapshot(c: Clients, installId: string, queryType: QueryType, collectedAt: string): Promise<SnapshotItem | undefined> {
  const { Item } = await c.ddb.send(
    new GetCommand({ TableName: c.config.tableName, Key: itemKeys.snapshot(installId, queryType, collectedAt), ConsistentRead: true }),
  );
  return Item as SnapshotItem | undefined;
}

export async function getLatest(c: Clients, installId: string, queryType: QueryType): Promise<LatestItem | undefined> {
  const { Item } = await c.ddb.send(new GetCommand({ TableName: c.config.tableName, Key: itemKeys.latest(installId, queryType), ConsistentRead: true }));
  return Item ? toLatest(Item) : undefined;
}

export async function listLatest(c: Clients, installId: string): Promise<LatestItem[]> {
  // Strongly consistent: a license file issued just after an upload must see it.
  const items = await queryAll(c, { keys: baseTable, partition: itemKeys.install(installId).PK, sortKey: { op: 'begins_with', value: itemPrefixes.latest }, consistent: true });
  return items.map(toLatest);
}

export async function getUpload(c: Clients, uploadId: string): Promise<UploadItem | undefined> {
  const { Item } = await c.ddb.send(new GetCommand({ TableName: c.config.tableName, Key: itemKeys.upload(uploadId), ConsistentRead: true }));
  return Item as UploadItem | undefined;
}

export interface AcceptedUpload {
  receipt: Receipt;
  customerId: string;
  /** License-state types: the expiry histogram, for the expiring report. */
  expiries?: ExpiryHistogram;
  rawKey: string;
  receivedAt: string;
  summary: unknown;
  /** Optional query types commit only while the install's usage collection is enabled. */
  requiresUsageCollection: boolean;
  /**
   * Written in the same transaction as the upload, so they commit with it or not at all (a
   * staff bundle's audit entry: store/audit.ts bundleAuditItems). A failed condition of one of
   * them fails the commit.
   */
  extraItems?: readonly TransactItem[];
}

export type CommitOutcome =
  | { kind: 'committed'; current: boolean }
  | { kind: 'snapshot-exists'; snapshot: SnapshotItem }
  /** The install is gone or being purged, decommissioned, or (an optional type) its usage collection is off. */
  | { kind: 'install-refused'; reason: InstallRefusal }
  /** A condition of the caller's extra items failed (e.g. a racing copy of the same staff bundle). */
  | { kind: 'extra-refused' };

/**
 * Commits an accepted upload in one transaction: the snapshot (unique per install, query
 * type and collectedAt), the upload log entry, the install's lastSeenAt and, when this
 * snapshot is the newest, the latest summary — on condition that the latest one is older, so
 * an older snapshot never replaces a newer one. No reads: one request in the common case.
 *
 * The install must be active (INSTALL_ACTIVE): an upload under way when a purge began or the
 * install was decommissioned (an upload session's object processed meanwhile, a request
 * authorized just before the key went) is refused.
 */
export async function commitAcceptedUpload(c: Clients, upload: AcceptedUpload): Promise<CommitOutcome> {
  const { receipt } = upload;
  const { installId, queryType, uploadId, collectedAt } = receipt;
  const TableName = c.config.tableName;
  const lastSeen = setClause(lastSeenIndexKeys(upload.receivedAt, installId), 'lastSeen');
  const latestItem = {
    ...itemKeys.latest(installId, queryType),
    ...(rollupQueryTypes.has(queryType) ? customerIndexKeys(upload.customerId, installId, queryType) : {}),
    ...expiringIndexOf(upload.expiries, installId, queryType),
    ...(queryType === 'licensing-counts' ? complianceIndexKeys(upload.customerId, { installId }) : {}),
    type: 'latest',
    installId,
    customerId: upload.customerId,
    queryType,
    collectedAt,
    uploadId,
    rawKey: upload.rawKey,
    recordCount: receipt.recordCount,
    summaryJson: JSON.stringify(upload.summary),
    ...(upload.expiries ? { expiriesJson: JSON.stringify(upload.expiries) } : {}),
  };
  // Optimistic: uploads mostly arrive newest last, so first try as the new latest; a newer
  // latest already there fails that item's condition, and the commit is retried without it.
  let current = true;
  for (let attempt = 0; ; attempt++) {
    const snapshot: SnapshotItem = { uploadId, sha256: receipt.sha256, recordCount: receipt.recordCount, collectedAt, rawKey: upload.rawKey, receivedAt: upload.receivedAt };
    const items: TransactItems = [
      {
        Put: {
          TableName,
          Item: { ...itemKeys.snapshot(installId, queryType, collectedAt), type: 'snapshot', ...snapshot },
          ConditionExpression: 'attribute_not_exists(PK)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        Put: {
          TableName,
          Item: {
            ...itemKeys.upload(uploadId),
            ...uploadIndexKeys(installId, queryType, upload.receivedAt, uploadId),
            type: 'upload',
            uploadId,
            installId,
            queryType,
            status: 'accepted',
            receivedAt: upload.receivedAt,
            rawKey: upload.rawKey,
            receipt,
          },
          ConditionExpression: 'attribute_not_exists(PK) OR #status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending' },
        },
      },
      {
        Update: {
          TableName,
          Key: itemKeys.install(installId),
          UpdateExpression: `SET lastSeenAt = :now, ${lastSeen.expression}`,
          ExpressionAttributeNames: { ...lastSeen.names, ...INSTALL_ACTIVE_NAMES },
          ConditionExpression: upload.requiresUsageCollection ? `${INSTALL_ACTIVE} AND usageCollectionEnabled <> :false` : INSTALL_ACTIVE,
          // On a refusal, which of the conditions failed: the install as it stands.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ExpressionAttributeValues: {
            ':now': upload.receivedAt,
            ...INSTALL_ACTIVE_VALUES,
            ...lastSeen.values,
            ...(upload.requiresUsageCollection ? { ':false': false } : {}),
          },
        },
      },
    ];
    if (queryType === 'licensing-counts') items.push(usageItem(c, upload, installId, collectedAt));
    const latestIndex = items.length;
    if (current) {
      items.push({
        Put: {
          TableName,
          Item: latestItem,
          ConditionExpression: 'attribute_not_exists(PK) OR collectedAt < :collectedAt',
          ExpressionAttributeValues: { ':collectedAt': collectedAt },
        },
      });
    }
    if (upload.extraItems) items.push(...upload.extraItems);
    try {
      await c.ddb.send(new TransactWriteCommand({ TransactItems: items }));
      return { kind: 'committed', current };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      const [snapshotReason, , installReason] = reasons;
      const latestReason = current ? reasons[latestIndex] : undefined;
      if (snapshotReason?.Code === 'ConditionalCheckFailed') {
        // The reason's Item is in DynamoDB's wire format: the document client does not convert it.
        const existing = snapshotReason.Item ? (unmarshall(snapshotReason.Item as Record<string, AttributeValue>) as SnapshotItem) : await getSnapshot(c, installId, queryType, collectedAt);
        // The condition failed on a snapshot item, read consistently: it is there.
        return { kind: 'snapshot-exists', snapshot: defined(existing, `the snapshot ${queryType} ${collectedAt} of install ${installId}`) };
      }
      if (installReason?.Code === 'ConditionalCheckFailed') return { kind: 'install-refused', reason: installRefusal(installReason.Item) };
      const extraFrom = items.length - (upload.extraItems?.length ?? 0);
      if (reasons.slice(extraFrom).some((r) => r.Code === 'ConditionalCheckFailed')) return { kind: 'extra-refused' };
      if (latestReason?.Code === 'ConditionalCheckFailed') current = false;
      const retryable = latestReason?.Code === 'ConditionalCheckFailed' || reasons.some((r) => r.Code === 'TransactionConflict');
      if (!retryable || attempt >= 20) throw error;
      if (latestReason?.Code === 'ConditionalCheckFailed') continue;
      await sleep(Math.min(200, 5 * 2 ** attempt) * Math.random());
    }
  }
}

/** An install's accepted uploads, newest first, optionally of one query type. */
export async function listReceipts(
  c: Clients,
  installId: string,
  options: { queryType?: QueryType; limit: number; cursor?: string },
): Promise<Page<Receipt>> {
  const keys = options.queryType ? table.indexes.uploadsByInstallQuery : table.indexes.uploadsByInstall;
  const partition = uploadIndexPartition(installId, options.queryType);
  const page = await queryPage(c, { keys, partition, newestFirst: true }, options);
  return { items: page.items.map((item) => receiptOf(item.receipt as Receipt, false)), nextCursor: page.nextCursor };
}

/** Only snapshots with licensed records that become unlicensed enter the expiring index. */
export function expiringIndexOf(expiries: ExpiryHistogram | undefined, installId: string, queryType: QueryType) {
  const first = expiries ? Object.keys(expiries.dates)[0] : undefined;
  return first ? expiringIndexKeys(first, installId, queryType) : {};
}

/**
 * A licensing-counts snapshot's usage item: its item counts (the summary's bounded histogram) in
 * its customer's usage history, which compliance reads with one Query (DESIGN.md §8). A small
 * item of its own rather than keys on the snapshot item: the Query then reads half the
 * bytes (docs/licensing.md, "Storage and cost"). Unconditional: it commits only with its
 * snapshot, whose condition makes the transaction idempotent.
 */
function usageItem(c: Clients, upload: AcceptedUpload, installId: string, collectedAt: string) {
  const counts = (upload.summary as { items?: Record<string, number> } | undefined)?.items ?? {};
  return {
    Put: {
      TableName: c.config.tableName,
      Item: { ...itemKeys.usage(installId, collectedAt), ...usageIndexKeys(upload.customerId, collectedAt, installId), type: 'usage', countsJson: JSON.stringify(counts) },
    },
  };
}
