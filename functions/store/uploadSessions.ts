/**
 * Upload sessions: their upload-log items (UPLOAD, status pending → accepted | rejected;
 * docs/bundles.md). Their objects in the incoming bucket are in incomingObjects.ts, the
 * presigned PUTs that create them in presignIncomingPut.ts.
 *
 * A query session becomes `accepted` in acceptUpload's own commit (the log item may exist as
 * `pending`); the functions here cover the other transitions, each on condition that the
 * item is still pending, so duplicate or racing events change it once.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Problem } from '../domain/problems.js';
import type { QueryType } from '../domain/queries/index.js';
import type { Receipt } from '../domain/receipts.js';
import { itemKeys, itemPrefixes } from '../domain/storageKeys.js';
import type { ContentEncoding } from '../domain/uploadBody.js';
import type { UploadKind } from '../sessions/request.js';
import type { Clients } from './clients.js';
import { batchDelete, batchGet, isConditionFailure, transactOrFirstRefusal } from './dynamo.js';
import { baseTable, queryAll } from './indexQueries.js';
import { type InstallRefusal, installActiveCheck, installRefusal } from './installs.js';
import { getUpload, type UploadItem } from './uploadLog.js';

/** What a bundle session's log item holds once processed (the answer POST /v1/bundles would give). */
export interface StoredBundleOutcome {
  bundleId: string;
  installId: string;
  results: { queryType: QueryType; status: string; receipt?: Receipt; problem?: Problem }[];
}

export interface UploadSessionItem extends UploadItem {
  /** Set on session items only; a direct upload's item has none. */
  kind?: UploadKind;
  contentLength?: number;
  contentEncoding?: ContentEncoding;
  bundle?: StoredBundleOutcome;
}

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

export interface PendingSession {
  uploadId: string;
  installId: string;
  kind: UploadKind;
  queryType?: QueryType;
  contentLength: number;
  contentEncoding: ContentEncoding;
  createdAt: Date;
  /** When DynamoDB TTL may remove the item if it is never processed. */
  expiresAt: Date;
}

/**
 * Writes a new session's pending item, and its pointer in the install's partition, through which
 * the install's purge finds the session however it settles (a duplicate's or a bundle's item is
 * kept). Only while the install is active (installActiveCheck): a session opened by a request
 * authorized just before a purge began, or the install was decommissioned, is refused ('created'
 * otherwise).
 */
export async function putPendingSession(c: Clients, session: PendingSession): Promise<'created' | InstallRefusal> {
  const TableName = c.config.tableName;
  const sessionItem = {
    TableName,
    Item: {
      ...itemKeys.upload(session.uploadId),
      type: 'upload',
      uploadId: session.uploadId,
      installId: session.installId,
      kind: session.kind,
      ...(session.queryType ? { queryType: session.queryType } : {}),
      contentLength: session.contentLength,
      contentEncoding: session.contentEncoding,
      status: 'pending',
      receivedAt: session.createdAt.toISOString(),
      expiresAt: epochSeconds(session.expiresAt),
    },
    ConditionExpression: 'attribute_not_exists(PK)',
  };
  // Other writes of the install item (uploads' commits) make the check conflict: tried again.
  const refusal = await transactOrFirstRefusal(c, [
    installActiveCheck(c, session.installId),
    { Put: sessionItem },
    { Put: { TableName, Item: { ...itemKeys.sessionPointer(session.installId, session.uploadId), type: 'session-pointer', uploadId: session.uploadId } } },
  ]);
  return refusal ? installRefusal(refusal.Item) : 'created';
}

export function getUploadSession(c: Clients, uploadId: string): Promise<UploadSessionItem | undefined> {
  return getUpload(c, uploadId) as Promise<UploadSessionItem | undefined>;
}

/** Sets the outcome on a pending item; false when it was no longer pending (another event got there first). */
async function settlePending(c: Clients, uploadId: string, update: string, values: Record<string, unknown>): Promise<boolean> {
  try {
    await c.ddb.send(
      new UpdateCommand({
        TableName: c.config.tableName,
        Key: itemKeys.upload(uploadId),
        UpdateExpression: update,
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pending': 'pending', ...values },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** A query session whose snapshot already existed: accepted with the existing receipt (duplicate: true). */
export function markSessionDuplicate(c: Clients, uploadId: string, receipt: Receipt, now: Date): Promise<boolean> {
  return settlePending(c, uploadId, 'SET #status = :accepted, receipt = :receipt, processedAt = :now REMOVE expiresAt', {
    ':accepted': 'accepted',
    ':receipt': receipt,
    ':now': now.toISOString(),
  });
}

/** A bundle session that was read: accepted with each file's result (kept, like accepted uploads). */
export function markBundleProcessed(c: Clients, uploadId: string, outcome: StoredBundleOutcome, now: Date): Promise<boolean> {
  return settlePending(c, uploadId, 'SET #status = :accepted, bundle = :bundle, processedAt = :now REMOVE expiresAt', {
    ':accepted': 'accepted',
    ':bundle': fitBundleOutcome(outcome),
    ':now': now.toISOString(),
  });
}

export function markSessionRejected(c: Clients, uploadId: string, problem: Problem, now: Date, expiresAt: Date): Promise<boolean> {
  return settlePending(c, uploadId, 'SET #status = :rejected, problem = :problem, processedAt = :now, expiresAt = :expires', {
    ':rejected': 'rejected',
    ':problem': problem,
    ':now': now.toISOString(),
    ':expires': epochSeconds(expiresAt),
  });
}

/** DynamoDB items end at 400 KB; 64 rejected files with 100 errors each could pass that. */
export const MAX_STORED_OUTCOME_BYTES = 300_000;

/** The outcome with the problems' error lists shortened until it fits; the results themselves are all kept. */
export function fitBundleOutcome(outcome: StoredBundleOutcome, maxBytes = MAX_STORED_OUTCOME_BYTES): StoredBundleOutcome {
  const fits = (o: StoredBundleOutcome) => Buffer.byteLength(JSON.stringify(o)) <= maxBytes;
  if (fits(outcome)) return outcome;
  for (const keep of [25, 5]) {
    const cut = withErrorsCut(outcome, keep);
    if (fits(cut)) return cut;
  }
  return withErrorsCut(outcome, 0);
}

function withErrorsCut(outcome: StoredBundleOutcome, keep: number): StoredBundleOutcome {
  return {
    ...outcome,
    results: outcome.results.map((result) => {
      const errors = result.problem?.errors;
      if (!result.problem || !errors || errors.length <= keep) return result;
      const { errors: _all, ...problem } = result.problem;
      const detail = `${problem.detail} (${keep === 0 ? 'the list of problems was left out' : `only the first ${keep} problems are listed`})`;
      return { ...result, problem: keep === 0 ? { ...problem, detail } : { ...problem, detail, errors: errors.slice(0, keep) } };
    }),
  };
}

/** The upload ids of the install's sessions, through their pointers (however each settled). */
export async function sessionIdsOf(c: Clients, installId: string): Promise<string[]> {
  const pointers = await queryAll(c, {
    keys: baseTable,
    partition: itemKeys.install(installId).PK,
    sortKey: { op: 'begins_with', value: itemPrefixes.sessionPointers },
    projection: 'uploadId',
    consistent: true,
  });
  return pointers.map((pointer) => pointer.uploadId as string);
}

/** Sessions read at once: a batch read of up to 100 keys, this many batches in flight. */
const SESSION_READS_IN_FLIGHT = 4;

/**
 * Forgets what the install's settled sessions among `uploadIds` hold of query types whose data
 * is being forgotten (an opt-out: DESIGN.md §4): a query session settled as a duplicate keeps
 * the existing snapshot's receipt (its record count, hash and collectedAt) and is deleted, so it
 * answers 404 as the upload it repeated does; a bundle session's results keep their status and
 * lose their receipts. Read strongly consistent, so a session settled before is seen. Idempotent.
 */
export async function forgetSessionReceipts(c: Clients, installId: string, uploadIds: readonly string[], forgotten: (queryType: QueryType) => boolean): Promise<void> {
  const sessions = (await batchGet(
    c,
    uploadIds.map((uploadId) => itemKeys.upload(uploadId)),
    { consistent: true, inFlight: SESSION_READS_IN_FLIGHT },
  )) as unknown as UploadSessionItem[];
  for (const session of sessions) {
    if (session.status !== 'accepted') continue;
    if (session.queryType && forgotten(session.queryType) && session.receipt) {
      await batchDelete(c, [itemKeys.upload(session.uploadId), itemKeys.sessionPointer(installId, session.uploadId)]);
      continue;
    }
    const bundle = session.bundle;
    if (!bundle?.results.some((result) => forgotten(result.queryType) && result.receipt)) continue;
    const results = bundle.results.map(({ receipt, ...kept }) => (forgotten(kept.queryType) || !receipt ? kept : { ...kept, receipt }));
    await c.ddb.send(
      new UpdateCommand({
        TableName: c.config.tableName,
        Key: itemKeys.upload(session.uploadId),
        UpdateExpression: 'SET bundle = :bundle',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':bundle': { ...bundle, results } },
      }),
    ).catch((error: unknown) => {
      // Gone meanwhile (the install's purge): nothing left to forget.
      if (!isConditionFailure(error)) throw error;
    });
  }
}
