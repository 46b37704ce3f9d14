/**
 * Reconciliation of what clients were told (receipts) with what is stored (raw objects,
 * upload log, snapshots, latest summaries). Used by `npm run soak` and by the
 * fault-injection tests.
 *
 * - lost: a snapshot a client holds a receipt for, missing any of its raw object, its one
 *   accepted log entry or its snapshot item; or a query type whose current summary is not the
 *   newest snapshot a client was given a receipt for.
 * - double-counted: a snapshot stored more than once (two log entries, two upload ids in
 *   receipts), or anything visible (log entry, current summary) that no client holds a receipt
 *   for, i.e. data the service did not acknowledge.
 * - orphans: raw objects no log entry refers to (left by a failure between the S3 write and the
 *   DynamoDB commit, or by a losing racing upload — different content, or the same content
 *   compressed otherwise — whose clean-up failed); invisible to every answer of the service, so
 *   not a loss or a double count, but reported.
 */
import type { QueryType } from '../../functions/domain/queries/index.js';
import type { Receipt } from '../../functions/domain/receipts.js';
import { isRawKeyOfSnapshot } from '../../functions/domain/storageKeys.js';
import type { InstallState } from './storedState.js';

export interface Reconciliation {
  /** Distinct snapshots acknowledged by a receipt. */
  snapshots: number;
  lost: string[];
  doubleCounted: string[];
  orphans: string[];
}

const identity = (queryType: string, collectedAt: string) => `${queryType} ${collectedAt}`;

/** Summaries a caller expects for the current snapshots (by upload id); checked when given. */
export type ExpectedSummary = (uploadId: string) => unknown;

/** An acknowledged snapshot's raw object, named by its log entry and present. */
export interface ArchivedObject {
  receipt: Receipt;
  key: string;
}

export function reconcileInstall(receipts: readonly Receipt[], state: InstallState, expectedSummary?: ExpectedSummary): Reconciliation & { archived: ArchivedObject[] } {
  const lost: string[] = [];
  const doubleCounted: string[] = [];
  const where = (text: string) => `install ${state.installId}: ${text}`;

  // What clients hold: one upload id and sha256 per snapshot.
  const acknowledged = new Map<string, Receipt>();
  for (const receipt of receipts) {
    const id = identity(receipt.queryType, receipt.collectedAt);
    const seen = acknowledged.get(id);
    if (!seen) acknowledged.set(id, receipt);
    else if (seen.uploadId !== receipt.uploadId || seen.sha256 !== receipt.sha256) {
      doubleCounted.push(where(`${id} has receipts with upload ids ${seen.uploadId} and ${receipt.uploadId}`));
    }
  }

  const logBySnapshot = new Map<string, string[]>();
  const rawKeyOfUpload = new Map<string, string>();
  for (const entry of state.log) {
    const id = identity(entry.queryType, entry.receipt.collectedAt);
    const entries = logBySnapshot.get(id);
    if (entries) entries.push(entry.uploadId);
    else logBySnapshot.set(id, [entry.uploadId]);
    rawKeyOfUpload.set(entry.uploadId, entry.rawKey);
    if (!acknowledged.has(id)) doubleCounted.push(where(`log entry ${entry.uploadId} (${id}) was never acknowledged to a client`));
  }
  const rawKeys = new Set(state.rawKeys);
  const snapshots = new Map(state.snapshots.map((s) => [identity(s.queryType, s.collectedAt), s]));

  const archived: ArchivedObject[] = [];
  for (const [id, receipt] of acknowledged) {
    // The raw object is the one the log entry names (its name comes from the archived bytes).
    // Without its log entry there is nothing to follow: that one loss is counted with the entries below.
    if (rawKeyOfUpload.has(receipt.uploadId)) {
      const key = rawKeyOfUpload.get(receipt.uploadId);
      if (!key || !isRawKeyOfSnapshot(key, receipt.queryType, receipt.installId, receipt.collectedAt)) lost.push(where(`${id}: the log names no raw object of this snapshot (${key ?? 'none'})`));
      else if (!rawKeys.has(key)) lost.push(where(`${id}: raw object ${key} is missing`));
      else archived.push({ receipt, key });
    }
    const entries = logBySnapshot.get(id) ?? [];
    if (entries.length === 0) lost.push(where(`${id}: no accepted log entry (upload ${receipt.uploadId})`));
    else if (entries.length > 1) doubleCounted.push(where(`${id}: ${entries.length} accepted log entries (${entries.join(', ')})`));
    else if (entries[0] !== receipt.uploadId) lost.push(where(`${id}: the log entry is upload ${entries[0]}, the receipt says ${receipt.uploadId}`));
    const snapshot = snapshots.get(id);
    if (!snapshot) lost.push(where(`${id}: no snapshot item`));
    else if (snapshot.uploadId !== receipt.uploadId || snapshot.sha256 !== receipt.sha256) lost.push(where(`${id}: the snapshot item is of upload ${snapshot.uploadId}`));
  }

  // Objects no log entry names: invisible to every answer, but counted.
  const referenced = new Set(rawKeyOfUpload.values());
  const orphans = state.rawKeys.filter((k) => !referenced.has(k)).map((k) => where(`raw object ${k} has no log entry`));

  // Current summaries: the newest acknowledged snapshot of each query type, and nothing else.
  const newest = new Map<QueryType, Receipt>();
  for (const receipt of acknowledged.values()) {
    const current = newest.get(receipt.queryType);
    if (!current || current.collectedAt < receipt.collectedAt) newest.set(receipt.queryType, receipt);
  }
  const latestByType = new Map(state.latest.map((l) => [l.queryType, l]));
  for (const [queryType, receipt] of newest) {
    const latest = latestByType.get(queryType);
    if (!latest) lost.push(where(`${queryType}: no current summary (expected upload ${receipt.uploadId})`));
    else if (latest.uploadId !== receipt.uploadId) {
      const known = [...acknowledged.values()].some((r) => r.uploadId === latest.uploadId);
      (known ? lost : doubleCounted).push(where(`${queryType}: the current summary is upload ${latest.uploadId}, expected ${receipt.uploadId}`));
    } else if (expectedSummary && JSON.stringify(latest.summary) !== JSON.stringify(expectedSummary(receipt.uploadId))) {
      lost.push(where(`${queryType}: the current summary differs from the one computed for upload ${receipt.uploadId}`));
    }
  }
  for (const latest of state.latest) {
    if (!newest.has(latest.queryType)) doubleCounted.push(where(`${latest.queryType}: a current summary (upload ${latest.uploadId}) without any receipt`));
  }
  return { snapshots: acknowledged.size, lost, doubleCounted, orphans, archived };
}

/** Adds up the reconciliations of several installs. */
export function combine(results: readonly Reconciliation[]): Reconciliation {
  return {
    snapshots: results.reduce((n, r) => n + r.snapshots, 0),
    lost: results.flatMap((r) => r.lost),
    doubleCounted: results.flatMap((r) => r.doubleCounted),
    orphans: results.flatMap((r) => r.orphans),
  };
}
