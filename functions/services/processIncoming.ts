/**
 * The processor of upload sessions: one S3 ObjectCreated event for `incoming/<uploadId>`
 * settles that session. On AWS the events come through SQS (handlers/processIncoming.ts);
 * locally from s3rver (local/localService.ts); the code is the same.
 *
 * Idempotent under duplicate and out-of-order events:
 * - the session is already accepted or rejected: only make sure the object is gone;
 * - the object is already gone: nothing to do (another event processed it);
 * - two events racing on one pending session: acceptUpload's commit and the conditional
 *   updates here let exactly one settle it; the snapshot is stored once.
 *
 * The object is deleted only after its outcome is durable: the raw copy and the log entry
 * (acceptUpload returned) or the recorded rejection. Failures that are not the upload's
 * fault (S3, DynamoDB) are thrown, so the message is retried and, in the end, dead-lettered.
 */
import { defined } from '../domain/defined.js';
import { sessionBundleLimits } from '../bundles/limits.js';
import { zipFromRanges } from '../bundles/zipReader.js';
import { isProblemError, ProblemError } from '../domain/problems.js';
import { REJECTED_TTL_SECONDS, sessionQueryLimits } from '../sessions/limits.js';
import { uploadIdOfKey } from '../sessions/incomingKeys.js';
import type { Clients } from '../store/clients.js';
import { deleteIncoming, headIncoming, type IncomingObject, IncomingObjectChanged, readIncoming, readIncomingRange } from '../store/incomingObjects.js';
import { getUploadSession, markBundleProcessed, markSessionDuplicate, markSessionRejected, type UploadSessionItem } from '../store/uploadSessions.js';
import { forgetOptionalReceiptsIfOptedOut } from './usageCollection.js';
import { acceptReceivedUpload } from './acceptUpload.js';
import { ingestBundle } from './bundles.js';

export interface ObjectCreated {
  bucket: string;
  key: string;
}

export type ProcessOutcome =
  /** Settled by this event. */
  | 'accepted'
  | 'duplicate'
  | 'rejected'
  /** The session was settled before (a repeated event): the object was removed if still there. */
  | 'already-settled'
  /** No session for this object (never made, or expired): the object was removed. */
  | 'no-session'
  /** The object is gone or was replaced while read: a later event (or none) has it. */
  | 'object-gone'
  /** Not an upload-session object. */
  | 'ignored';

export interface ProcessResult {
  outcome: ProcessOutcome;
  uploadId?: string;
  /** The problem code of a rejection. */
  code?: string;
}

export async function processIncomingObject(c: Clients, event: ObjectCreated, now = new Date()): Promise<ProcessResult> {
  const uploadId = event.bucket === c.config.incomingBucket ? uploadIdOfKey(event.key) : undefined;
  if (!uploadId) return { outcome: 'ignored' };
  const session = await getUploadSession(c, uploadId);
  // An accepted query session's item is the upload's own log entry by now (no `kind`).
  if (session?.status !== 'pending' || !session.kind) {
    await deleteIncoming(c, event.key);
    return { outcome: session && session.status !== 'pending' ? 'already-settled' : 'no-session', uploadId };
  }
  const object = await headIncoming(c, event.key);
  if (!object) return { outcome: 'object-gone', uploadId };

  let result: ProcessResult;
  try {
    result = { outcome: await settle(c, session, object, now), uploadId };
  } catch (error) {
    if (error instanceof IncomingObjectChanged) return { outcome: 'object-gone', uploadId };
    // A 429 (another write of the same archive outlasted the wait) is no verdict on the upload:
    // the message fails, and SQS delivers it again once that write has ended.
    if (!isProblemError(error) || error.problem.status === 429) throw error;
    await markSessionRejected(c, uploadId, error.problem, now, new Date(now.getTime() + REJECTED_TTL_SECONDS * 1000));
    result = { outcome: 'rejected', uploadId, code: error.code };
  }
  await deleteIncoming(c, event.key);
  return result;
}

async function settle(c: Clients, session: UploadSessionItem, object: IncomingObject, now: Date): Promise<'accepted' | 'duplicate'> {
  if (object.size !== session.contentLength) {
    // S3 enforces the signed Content-Length; this guards against anything that does not.
    throw new ProblemError('validation_failed', 'The uploaded object does not have the size declared for the session.', [
      { path: 'contentLength', message: `was ${session.contentLength}, but ${object.size} bytes were uploaded` },
    ]);
  }
  const { uploadId, installId } = session;
  if (session.kind === 'bundle') {
    const outcome = await ingestBundle(c, {
      zip: zipFromRanges(object.size, (start, end) => readIncomingRange(c, object, start, end)),
      uploaderInstallId: installId,
      now,
      limits: sessionBundleLimits,
    });
    await markBundleProcessed(c, uploadId, outcome, now);
    await forgetOptionalReceiptsIfOptedOut(c, installId, uploadId, outcome.results.filter((result) => result.receipt).map((result) => result.queryType));
    return 'accepted';
  }
  const encoding = session.contentEncoding ?? 'identity';
  const { receipt, status } = await acceptReceivedUpload(c, {
    installId,
    // A session not for a bundle is for one query type's upload.
    queryType: defined(session.queryType, 'the query type of an upload session'),
    sent: await readIncoming(c, object),
    encoding,
    limits: sessionQueryLimits,
    now,
    uploadId,
  });
  // A new snapshot committed the session's entry as accepted; an existing one did not touch it.
  if (status === 200) {
    await markSessionDuplicate(c, uploadId, receipt, now);
    await forgetOptionalReceiptsIfOptedOut(c, installId, uploadId, [receipt.queryType]);
  }
  return status === 201 ? 'accepted' : 'duplicate';
}
