/**
 * Upload sessions: their upload-log items (UPLOAD, status pending → accepted | rejected;
 * docs/bundles.md) and their objects in the incoming bucket (`incoming/<uploadId>`).
 *
 * A query session becomes `accepted` in acceptUpload's own commit (the log item may exist as
 * `pending`); the functions here cover the other transitions, each on condition that the
 * item is still pending, so duplicate or racing events change it once.
 */
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Problem } from '../domain/problems.js';
import type { QueryType } from '../domain/queries/index.js';
import type { Receipt } from '../domain/receipts.js';
import { itemKeys } from '../domain/storageKeys.js';
import type { ContentEncoding } from '../domain/uploadBody.js';
import type { UploadKind } from '../sessions/request.js';
import type { Clients } from './clients.js';
import { isConditionFailure } from './dynamo.js';
import { getUpload, type UploadItem } from './uploadLog.js';
import { s3Of } from './s3Client.js';

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

export async function putPendingSession(c: Clients, session: PendingSession): Promise<void> {
  await c.ddb.send(
    new PutCommand({
      TableName: c.config.tableName,
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
    }),
  );
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

// ---- The incoming bucket ----

export interface PresignedPut {
  url: string;
  headers: Record<string, string>;
}

/**
 * A presigned PUT of exactly `contentLength` bytes: Content-Length, Content-Type and
 * Content-Encoding are signed headers, so S3 refuses a body of another size or type.
 */
export async function presignIncomingPut(
  c: Clients,
  key: string,
  put: { contentLength: number; contentType: string; contentEncoding?: 'gzip'; expiresInSeconds: number },
): Promise<PresignedPut> {
  const headers: Record<string, string> = {
    'content-length': String(put.contentLength),
    'content-type': put.contentType,
    ...(put.contentEncoding ? { 'content-encoding': put.contentEncoding } : {}),
  };
  const command = new PutObjectCommand({
    Bucket: c.config.incomingBucket,
    Key: key,
    ContentLength: put.contentLength,
    ContentType: put.contentType,
    ...(put.contentEncoding ? { ContentEncoding: put.contentEncoding } : {}),
  });
  const url = await getSignedUrl(s3Of(c), command, { expiresIn: put.expiresInSeconds, signableHeaders: new Set(Object.keys(headers)) });
  return { url, headers };
}

export interface IncomingObject {
  key: string;
  size: number;
  etag: string;
}

const isMissing = (error: unknown) => ['NotFound', 'NoSuchKey'].includes((error as { name?: string })?.name ?? '');

/** The object's size and ETag, or undefined when it is gone. */
export async function headIncoming(c: Clients, key: string): Promise<IncomingObject | undefined> {
  try {
    const head = await s3Of(c).send(new HeadObjectCommand({ Bucket: c.config.incomingBucket, Key: key }));
    return { key, size: head.ContentLength ?? 0, etag: head.ETag ?? '' };
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** The object was replaced or removed while it was being read (a later event will see the new one). */
export class IncomingObjectChanged extends Error {
  constructor(key: string) {
    super(`The incoming object ${key} changed or disappeared while it was read.`);
    this.name = 'IncomingObjectChanged';
  }
}

/** A byte range (end exclusive) of exactly the version of the object that was looked at. */
export async function readIncomingRange(c: Clients, object: IncomingObject, start: number, end: number): Promise<Readable> {
  try {
    const answer = await s3Of(c).send(
      new GetObjectCommand({ Bucket: c.config.incomingBucket, Key: object.key, Range: `bytes=${start}-${end - 1}`, IfMatch: object.etag }),
    );
    // Emulators may ignore If-Match: the answer's ETag is checked as well.
    if (answer.ETag && object.etag && answer.ETag !== object.etag) {
      (answer.Body as Readable | undefined)?.destroy();
      throw new IncomingObjectChanged(object.key);
    }
    return answer.Body as Readable;
  } catch (error) {
    if (isMissing(error) || (error as { name?: string })?.name === 'PreconditionFailed') throw new IncomingObjectChanged(object.key);
    throw error;
  }
}

/** The whole object as bytes (it was sized by the session's signed Content-Length). */
export async function readIncoming(c: Clients, object: IncomingObject): Promise<Buffer> {
  if (object.size === 0) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of await readIncomingRange(c, object, 0, object.size)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function deleteIncoming(c: Clients, key: string): Promise<void> {
  await s3Of(c).send(new DeleteObjectCommand({ Bucket: c.config.incomingBucket, Key: key }));
}
