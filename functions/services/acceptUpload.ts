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
import { isProblemError, ProblemError } from '../domain/problems.js';
import { recordUploadMetric } from '../observability/index.js';
import { querySpec, type QueryType } from '../domain/queries/index.js';
import { type Receipt, receiptOf } from '../domain/receipts.js';
import { rawObjectKey } from '../domain/storageKeys.js';
import type { BodyLimits, ContentEncoding } from '../domain/uploadBody.js';
import { type ArchiveBytes, readUploadJson, type UploadJson } from '../domain/uploadJson.js';
import { collectedAtInstant, type ValidatedUpload, validateUploadInTurns } from '../domain/validateUpload.js';
import type { Clients } from '../store/clients.js';
import { requireInstall } from '../store/installs.js';
import { deleteRawObject, type RawObject } from '../store/rawArchive.js';
import { type RawArchiving, startRawArchive } from '../store/rawArchiveInFlight.js';
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
   * Validates the body, when it was validated as it was read (a bundle file: its records are
   * not kept, and `body.parse()` is not called); otherwise validateUpload checks the parsed body.
   */
  validate?: () => Promise<ValidatedUpload>;
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
  return recorded(input.queryType, input.body.sentBytes, () => storeUpload(c, input));
}

/**
 * Accepts one upload as received, reading its body first. A gzip body is archived as the
 * bytes received, so its archive sets off (invisibly) as soon as the envelope's collectedAt
 * has been read, and travels while the records are inflated, parsed and validated.
 */
export function acceptReceivedUpload(c: Clients, input: ReceivedUpload): Promise<UploadOutcome> {
  const { sent, encoding, limits, ...upload } = input;
  return recorded(upload.queryType, sent.length, async () => {
    const uploadId = upload.uploadId ?? randomUUID();
    let early: Promise<RawArchiving> | undefined;
    const startEarly = (head: unknown, archive: Promise<ArchiveBytes>) => {
      const collectedAt = collectedAtIn(head);
      // Should it fail (it throws nothing into the inflate loop, where it would pass for a gzip
      // error), the archive sets off after validation, which meets the same error in its own place.
      if (collectedAt) early = setOffArchive(c, { ...upload, uploadId }, collectedAt, archive);
    };
    let body: UploadJson;
    try {
      body = await readUploadJson(sent, encoding, limits, startEarly);
    } catch (error) {
      await discardStarted(early);
      throw error;
    }
    return storeUpload(c, { ...upload, uploadId, body }, early);
  });
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

/** `started`: the archive set off while the body was read, if it was. */
async function storeUpload(c: Clients, input: UploadInput, started?: Promise<RawArchiving>): Promise<UploadOutcome> {
  const { installId, queryType, now } = input;
  const spec = querySpec(queryType);
  // The install is read, and a plain body compressed (on the thread pool), while this thread
  // parses and validates; both promises are settled at once so that an early exit leaves no
  // unhandled rejection. The install is read only when needed: for an optional type (usage
  // collection) or when the caller did not say its customer; the commit checks that the
  // install exists.
  const reading = spec.optional || input.customerId === undefined ? settle(requireInstall(c, installId)) : undefined;
  const { mayContainEmail } = input.body;
  const uploadId = input.uploadId ?? randomUUID();
  const archiving = settle(input.body.archive());
  let early: Promise<RawArchiving> | undefined = started;
  let validated: ValidatedUpload | undefined;
  let invalid: unknown;
  try {
    if (input.validate) {
      validated = await input.validate();
    } else {
      const body = input.body.parse();
      // The archive's key follows from collectedAt and the archived bytes: unless it set off
      // already, a large archive sets off now, invisible until committed, while the upload is
      // validated (store/rawArchiveInFlight.ts).
      const collectedAt = collectedAtIn(body);
      if (!started && collectedAt) early = setOffArchive(c, { ...input, uploadId }, collectedAt, archiving);
      validated = await validateUploadInTurns(queryType, body, { now, mayContainEmail });
    }
  } catch (error) {
    invalid = error;
  }
  // A refused optional type answers 403 whatever the body holds; an install that cannot be
  // read (gone, or DynamoDB failing) stores nothing either.
  let install: Awaited<typeof reading>;
  try {
    install = await reading;
  } catch (error) {
    await discardStarted(early);
    throw error;
  }
  const refused = spec.optional && install?.usageCollectionEnabled === false;
  if (refused || !validated) {
    await discardStarted(early);
    throw refused ? usageCollectionDisabled(queryType) : invalid;
  }
  const { collectedAt } = validated;

  const object = rawObject({ ...input, uploadId }, collectedAt, await archiving);
  let archive = await early?.catch(() => undefined);
  if (archive?.key !== object.key) {
    await archive?.discard();
    archive = startRawArchive(c, object);
  }
  // The content's hash, which only the commit needs, is computed while the archive completes.
  const [, sha256] = await Promise.all([archive.commit(), input.body.sha256()]);
  const rawKey = object.key;
  const receipt: Receipt = { uploadId, installId, queryType, collectedAt, recordCount: validated.recordCount, sha256, duplicate: false };

  const outcome = await commitAcceptedUpload(c, {
    receipt,
    customerId: install?.customerId ?? input.customerId!,
    ...(validated.expiries ? { expiries: validated.expiries } : {}),
    rawKey,
    receivedAt: now.toISOString(),
    summary: validated.summary,
    requiresUsageCollection: spec.optional,
  });
  switch (outcome.kind) {
    case 'committed':
      return { receipt, status: 201 };
    case 'snapshot-exists':
      // A racing upload of the same snapshot won. Its raw object has the same key when its
      // bytes are the same; another object (a different content, or the same content
      // compressed otherwise) is ours alone and is removed.
      if (outcome.snapshot.rawKey !== rawKey) await deleteRawObject(c, rawKey);
      return answerExisting(outcome.snapshot, { installId, queryType, sha256 });
    case 'install-refused':
      await deleteRawObject(c, rawKey);
      if (spec.optional) throw usageCollectionDisabled(queryType);
      throw new ProblemError('not_found', 'The install of this key no longer exists.');
  }
}

type UploadIds = { installId: string; queryType: QueryType; uploadId: string };

/** Sets off archiving an upload's bytes (store/rawArchiveInFlight.ts) as the object rawObject names, once they are hashed. */
function setOffArchive(c: Clients, upload: UploadIds, collectedAt: string, archive: Promise<ArchiveBytes>): Promise<RawArchiving> {
  return settle(archive.then((bytes) => startRawArchive(c, rawObject(upload, collectedAt, bytes))));
}

/** The archived object of an upload: named after its collectedAt and the SHA-256 of the archived bytes. */
export function rawObject(upload: UploadIds, collectedAt: string, archive: ArchiveBytes): RawObject {
  const { installId, queryType, uploadId } = upload;
  return {
    key: rawObjectKey(queryType, installId, collectedAt, archive.sha256),
    gzipBody: archive.gzip,
    gzipSha256: archive.sha256,
    metadata: { 'install-id': installId, 'query-type': queryType, 'collected-at': collectedAt, 'upload-id': uploadId },
  };
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

/** Leaves nothing of an archive that set off (or failed to). */
async function discardStarted(started: Promise<RawArchiving> | undefined): Promise<void> {
  await (await started?.catch(() => undefined))?.discard();
}

/** A promise whose rejection counts as handled now and still rejects when awaited. */
function settle<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
