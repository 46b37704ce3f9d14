/**
 * What the service has stored of an install, read straight from S3 and DynamoDB (not through
 * the API): raw objects, accepted upload-log entries, snapshot items and latest summaries.
 * The soak's reconciliation and the fault-injection tests compare it with the receipts a
 * client was given.
 */
import { createHash } from 'node:crypto';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { type QueryType, queryTypes } from '../../functions/domain/queries/index.js';
import type { Receipt } from '../../functions/domain/receipts.js';
import { isRawKeyOfSnapshot, itemKeys, itemPrefixes, rawQueryPrefix, uploadIndexPartition } from '../../functions/domain/storageKeys.js';
import type { Clients } from '../../functions/store/clients.js';
import { baseTable, queryAll } from '../../functions/store/indexQueries.js';
import { table } from '../../functions/store/tableDefinition.js';
import { getUpload, type LatestItem, listLatest, type SnapshotItem } from '../../functions/store/uploadLog.js';
import { listRawKeys, readRawJson } from '../../functions/store/rawArchive.js';
import { s3Of } from '../../functions/store/s3Client.js';

export interface LogEntry {
  uploadId: string;
  queryType: QueryType;
  status: string;
  rawKey: string;
  receipt: Receipt;
}

export interface StoredSnapshot extends SnapshotItem {
  queryType: QueryType;
}

export interface InstallState {
  installId: string;
  rawKeys: string[];
  /** Accepted entries of the upload log (the ones listings show). */
  log: LogEntry[];
  snapshots: StoredSnapshot[];
  latest: LatestItem[];
}

/** The install of a raw key (`raw/query=…/install=<id>/…`). */
export function installOfRawKey(key: string): string | undefined {
  return /\/install=([^/]+)\//.exec(key)?.[1];
}

/**
 * The stored state of an install. `rawKeys` may be given (e.g. from one listing of the whole
 * bucket for many installs); otherwise the install's prefixes are listed.
 */
export async function readInstallState(c: Clients, installId: string, rawKeys?: string[]): Promise<InstallState> {
  const [raw, logItems, snapshotItems, latest] = await Promise.all([
    rawKeys ?? Promise.all(queryTypes.map((t) => listRawKeys(c, rawQueryPrefix(t, installId)))).then((lists) => lists.flat()),
    queryAll(c, { keys: table.indexes.uploadsByInstall, partition: uploadIndexPartition(installId) }),
    queryAll(c, { keys: baseTable, partition: itemKeys.install(installId).PK, sortKey: { op: 'begins_with', value: 'SNAPSHOT#' }, consistent: true }),
    listLatest(c, installId),
  ]);
  return {
    installId,
    rawKeys: raw,
    log: logItems.map((item) => ({
      uploadId: item.uploadId as string,
      queryType: item.queryType as QueryType,
      status: item.status as string,
      rawKey: item.rawKey as string,
      receipt: item.receipt as Receipt,
    })),
    snapshots: snapshotItems.map((item) => ({ ...(item as unknown as SnapshotItem), queryType: queryTypeOfSnapshotKey(item.SK as string) })),
    latest,
  };
}

function queryTypeOfSnapshotKey(sk: string): QueryType {
  const type = queryTypes.find((t) => sk.startsWith(itemPrefixes.snapshotsOf(t)));
  if (!type) throw new Error(`not a snapshot key: ${sk}`);
  return type;
}

/**
 * Whether a receipt's data is durable right now: its upload-log entry is accepted with this
 * receipt's snapshot, and the raw object the entry names (one of this snapshot's) exists.
 * Answers what is missing (empty: durable).
 */
export async function missingForReceipt(c: Clients, receipt: Receipt): Promise<string[]> {
  const missing: string[] = [];
  const entry = await getUpload(c, receipt.uploadId);
  if (entry?.status !== 'accepted' || entry.receipt?.collectedAt !== receipt.collectedAt || entry.receipt?.sha256 !== receipt.sha256) {
    missing.push(`accepted log entry ${receipt.uploadId} (found ${entry ? entry.status : 'none'})`);
  }
  // No entry at all names no object either: that is the one thing missing.
  if (!entry) return missing;
  const key = entry.rawKey;
  if (!isRawKeyOfSnapshot(key, receipt.queryType, receipt.installId, receipt.collectedAt)) {
    missing.push(`raw object of ${receipt.queryType} ${receipt.collectedAt} (the log names ${key ?? 'none'})`);
  } else {
    try {
      await s3Of(c).send(new HeadObjectCommand({ Bucket: c.config.rawBucket, Key: key }));
    } catch {
      missing.push(`raw object ${key}`);
    }
  }
  return missing;
}

/** The SHA-256 of the JSON an archived object holds (its gzip inflated), or why it cannot be read. */
export async function archivedSha256(c: Clients, key: string): Promise<string> {
  try {
    return createHash('sha256').update(await readRawJson(c, key)).digest('hex');
  } catch (error) {
    return `unreadable: ${(error as Error).message}`;
  }
}
