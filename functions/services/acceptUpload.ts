/**
 * Accepting one query result: the path every upload takes, whether it came by direct POST,
 * an upload session or a bundle file.
 *
 * Order: validate (nothing invalid is ever stored) → archive the raw bytes in S3 under a key
 * derived from collectedAt and those bytes → commit the log, snapshot and summary in one DynamoDB transaction,
 * whose conditions also detect a duplicate or conflicting snapshot. The receipt exists only
 * once both are durable. In the common case that is one S3 write (for an archive of 1 MiB or
 * more: a multipart upload sent while the body is read and validated, completed after it)
 * and one DynamoDB request.
 */
import { randomUUID } from 'node:crypto';
import { defined } from '../domain/defined.js';
import { isProblemError, ProblemError } from '../domain/problems.js';
import { recordUploadMetric } from '../observability/index.js';
import { querySpec, type QueryType } from '../domain/queries/index.js';
import { type Receipt, receiptOf } from '../domain/receipts.js';
import type { BodyLimits, ContentEncoding } from '../domain/uploadBody.js';
import { startReadingUploadJson, type UploadJson } from '../domain/uploadJson.js';
import { collectedAtInstant, type ValidatedUpload, validateUploadInTurns } from '../domain/validateUpload.js';
import type { Clients } from '../store/clients.js';
import { requireInstall } from '../store/installs.js';
import { deleteRawObject, type RawObjectIds } from '../store/rawArchive.js';
import { type ArchiveInFlight, archiveInFlight } from '../store/rawArchiveInFlight.js';
import type { TransactItem } from '../store/dynamo.js';
import { commitAcceptedUpload, type SnapshotItem } from '../store/uploadLog.js';

export interface UploadInput {
  installId: string;
  /** The install's customer when the caller knows it (from the API key); saves a read. */
  customerId?: string | undefined;
  queryType: QueryType;
  /** The JSON body: hashed, and inflated and parsed where it came gzip-compressed (domain/uploadJson.ts). */
  body: UploadJson;
  now: Date;
  /** Use this upload id (an upload session's); otherwise a new one is made. */
  uploadId?: string;
  /**
   * Validates the body, when it was validated as it was read (a bundle file, a gzip upload of
   * MPA's envelope: its records are not kept, and `body.parse()` is not called); otherwise
   * validateUpload checks the parsed body.
   */
  validate?: () => Promise<ValidatedUpload>;
  /** Committed in the upload's own transaction, or not at all (a staff bundle's audit entry); a duplicate commits none. */
  extraTransactItems?: readonly TransactItem[];
}

/** An upload as received: the body's bytes, not read yet (a direct POST, an upload session's object). */
export interface ReceivedUpload extends Omit<UploadInput, 'body'> {
  sent: Buffer;
  encoding: ContentEncoding;
  limits: BodyLimits;
}

export interface UploadOutcome {
  receipt: Receipt;
  /** 201 for a new snapshot, 200 for a duplicate. */
  status: 201 | 200;
}

/** Accepts one upload whose JSON is read already (a bundle's file), and records its outcome as a metric. */
export function acceptUpload(c: Clients, input: UploadInput): Promise<UploadOutcome> {
  return recorded(input.queryType, input.body.sentBytes, () => {
    const uploadId = input.uploadId ?? randomUUID();
    return withArchive(c, { ...input, uploadId }, (archive) => storeUpload(c, { ...input, uploadId }, archive));
  });
}

/**
 * Accepts one upload as received, reading its body first. A gzip body is archived as the
 * bytes received, so its archive sets off (invisibly) as soon as the envelope's head has named
 * it, and travels while the records are inflated, parsed and validated.
 */
export function acceptReceivedUpload(c: Clients, input: ReceivedUpload): Promise<UploadOutcome> {
  const { sent, encoding, limits, ...upload } = input;
  return recorded(upload.queryType, sent.length, () => {
    const uploadId = upload.uploadId ?? randomUUID();
    return withArchive(c, { ...upload, uploadId }, async (archive) => {
      const reading = startReadingUploadJson(sent, encoding, limits, { queryType: upload.queryType, now: upload.now });
      void reading.head.then((head) => {
        const collectedAt = head && collectedAtIn(head.value);
        if (collectedAt) archive.start(collectedAt, head.archive);
      });
      const body = await reading.json;
      return storeUpload(c, { ...upload, uploadId, body, validate: upload.validate ?? body.validatedWhileRead }, archive);
    });
  });
}

/** Runs an upload's acceptance with its archive, which is discarded unless the acceptance completed it. */
async function withArchive(c: Clients, upload: RawObjectIds, accept: (archive: ArchiveInFlight) => Promise<UploadOutcome>): Promise<UploadOutcome> {
  const archive = archiveInFlight(c, upload);
  try {
    return await accept(archive);
  } catch (error) {
    await archive.discard();
    throw error;
  }
}

/** Runs an upload's acceptance, recording its outcome as a metric (by query type, outcome and problem code). */
async function recorded(queryType: QueryType, bytes: number, accept: () => Promise<UploadOutcome>): Promise<UploadOutcome> {
  try {
    const outcome = await accept();
    recordUploadMetric(outcome.status === 201 ? 'accepted' : 'duplicate', queryType, undefined, outcome.receipt.recordCount, bytes);
    return outcome;
  } catch (error) {
    recordUploadMetric('rejected', queryType, isProblemError(error) ? error.code : 'internal', undefined, bytes);
    throw error;
  }
}

/** `archive`: the upload's, perhaps set off already while the body was read; what this throws leaves it to be discarded. */
async function storeUpload(c: Clients, input: UploadInput & { uploadId: string }, archive: ArchiveInFlight): Promise<UploadOutcome> {
  const { installId, queryType, now, uploadId } = input;
  const spec = querySpec(queryType);
  // The install is read, and a plain body compressed (on the thread pool), while this thread
  // parses and validates; both promises are settled at once so that an early exit leaves no
  // unhandled rejection. The install is read only when needed: for an optional type (usage
  // collection) or when the caller did not say its customer; the commit checks that the
  // install exists and is active (not being purged, not decommissioned).
  const reading = spec.optional || input.customerId === undefined ? settle(requireInstall(c, installId)) : undefined;
  const { mayContainEmail } = input.body;
  const archiveBytes = settle(input.body.archive());
  let validated: ValidatedUpload | undefined;
  let invalid: unknown;
  try {
    if (input.validate) {
      validated = await input.validate();
    } else {
      const body = input.body.parse();
      // The archive's key follows from collectedAt and the archived bytes: unless it set off
      // already, a large archive sets off now, invisible until completed, while the upload is
      // validated (store/rawArchiveInFlight.ts).
      const collectedAt = collectedAtIn(body);
      if (collectedAt) archive.start(collectedAt, archiveBytes);
      validated = await validateUploadInTurns(queryType, body, { now, mayContainEmail });
    }
  } catch (error) {
    invalid = error;
  }
  // A refused optional type answers 403 whatever the body holds; an install that cannot be
  // read (gone, or DynamoDB failing) stores nothing either.
  const install = await reading;
  const refused = spec.optional && install?.usageCollectionEnabled === false;
  if (refused || !validated) throw refused ? usageCollectionDisabled(queryType) : invalid;
  const { collectedAt } = validated;

  // The content's hash, which only the commit needs: a gzip body's was computed as it was read, a
  // plain body's is computed now, while the archive completes.
  const [{ key: rawKey, written }, sha256] = await Promise.all([archive.complete(collectedAt, archiveBytes), input.body.sha256()]);
  const receipt: Receipt = { uploadId, installId, queryType, collectedAt, recordCount: validated.recordCount, sha256, duplicate: false };

  const outcome = await commitAcceptedUpload(c, {
    receipt,
    // Without the caller's customerId the install was read (or the upload refused above).
    customerId: defined(install?.customerId ?? input.customerId, 'the customer of the install'),
    ...(validated.expiries ? { expiries: validated.expiries } : {}),
    rawKey,
    receivedAt: now.toISOString(),
    summary: validated.summary,
    requiresUsageCollection: spec.optional,
    ...(input.extraTransactItems ? { extraItems: input.extraTransactItems } : {}),
  });
  switch (outcome.kind) {
    case 'committed':
      return { receipt, status: 201 };
    case 'snapshot-exists':
      // A racing upload of the same snapshot won. Its raw object has the same key when its
      // bytes are the same; another object (a different content, or the same content
      // compressed otherwise) is ours alone and is removed.
      if (outcome.snapshot.rawKey !== rawKey) await deleteRawObject(c, rawKey, written);
      return answerExisting(outcome.snapshot, { installId, queryType, sha256 });
    case 'install-refused':
      await deleteRawObject(c, rawKey, written);
      if (outcome.reason === 'usage-collection-disabled') throw usageCollectionDisabled(queryType);
      if (outcome.reason === 'decommissioned') throw new ProblemError('conflict', 'The install was decommissioned while this upload was under way: it sends no data until it is reactivated.');
      throw new ProblemError('not_found', 'The install of this key no longer exists.');
    case 'extra-refused':
      // Only a staff bundle passes extra items: its audit entry, which a copy of the same bundle
      // sent at the same moment by the same key has begun under another time. Sent again, the
      // file joins that entry. The raw object stays: that copy may commit it under the same key.
      throw new ProblemError('conflict', 'A copy of this bundle is being recorded at the same moment: send it again.');
  }
}

function answerExisting(existing: SnapshotItem, upload: { installId: string; queryType: QueryType; sha256: string }): UploadOutcome {
  if (existing.sha256 !== upload.sha256) {
    throw new ProblemError(
      'conflict',
      `A different ${upload.queryType} snapshot collected at ${existing.collectedAt} was already accepted (upload ${existing.uploadId}).`,
    );
  }
  const { installId, queryType } = upload;
  return { status: 200, receipt: receiptOf({ ...existing, installId, queryType }, true) };
}

function usageCollectionDisabled(queryType: QueryType): ProblemError {
  return new ProblemError('usage_collection_disabled', `Usage data collection is disabled for this install, so ${queryType} is not accepted.`);
}

/** collectedAt as the UTC instant validation will make of it, when the body has one. */
function collectedAtIn(body: unknown): string | undefined {
  return collectedAtInstant(typeof body === 'object' && body !== null ? (body as { collectedAt?: unknown }).collectedAt : undefined);
}

/** A promise whose rejection counts as handled now and still rejects when awaited. */
function settle<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
