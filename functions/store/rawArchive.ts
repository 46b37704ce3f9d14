/** The raw archive in S3: gzip JSON, immutable, one object per archived bytes. */
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { gunzipSync } from 'node:zlib';
import { defined } from '../domain/defined.js';
import { ProblemError } from '../domain/problems.js';
import type { QueryType } from '../domain/queries/index.js';
import { rawObjectKey } from '../domain/storageKeys.js';
import type { ArchiveBytes } from '../domain/uploadJson.js';
import type { Clients } from './clients.js';
import { sleep } from './dynamo.js';
import { s3Of, withPayloadSha256 } from './s3Client.js';

export interface RawObject {
  key: string;
  gzipBody: Buffer;
  /** SHA-256 (hex) of gzipBody, known already (the key is derived from it): the request's signature uses it. */
  gzipSha256: string;
  metadata: Record<string, string>;
}

/** The upload an archived object belongs to, as its metadata records it. */
export interface RawObjectIds {
  installId: string;
  queryType: QueryType;
  uploadId: string;
}

/**
 * The archived object of an upload: named after its collectedAt and the SHA-256 of the archived
 * bytes (so the same bytes always land on the same key), its metadata naming the upload.
 */
export function rawObject(upload: RawObjectIds, collectedAt: string, archive: ArchiveBytes): RawObject {
  const { installId, queryType, uploadId } = upload;
  return {
    key: rawObjectKey(queryType, installId, collectedAt, archive.sha256),
    gzipBody: archive.gzip,
    gzipSha256: archive.sha256,
    metadata: { 'install-id': installId, 'query-type': queryType, 'collected-at': collectedAt, 'upload-id': uploadId },
  };
}

/**
 * Archives a snapshot, create-only (`If-None-Match: *`). The key is derived from the gzip
 * bytes, so an object already there holds these same bytes (a repeat, a retry, a race of the
 * same upload): S3 answers 412 and it is kept as it is, its bytes, metadata and
 * version untouched; the archive stays immutable. A 409 means another write of the key is
 * still in flight: that object is not known to be durable yet, so the PUT is tried again
 * until that write has ended (createOnly).
 * (s3rver ignores the condition; the local emulators add it: functions/local/s3Semantics.ts.)
 */
export async function putRawObject(c: Clients, object: RawObject): Promise<ArchiveWritten> {
  const written = await createOnly(() =>
    s3Of(c).send(
      withPayloadSha256(
        new PutObjectCommand({
          Bucket: c.config.rawBucket,
          Key: object.key,
          Body: object.gzipBody,
          ContentType: 'application/json',
          ContentEncoding: 'gzip',
          Metadata: object.metadata,
          IfNoneMatch: '*',
        }),
        object.gzipSha256,
      ),
    ),
  );
  return writtenVersion(written);
}

/**
 * What an archive write left: the version it made, where the bucket is versioned (the raw bucket
 * is on AWS) and this write made the object (none when it was there already, written by another
 * upload of the same bytes), so that a refused upload removes exactly that version
 * (deleteRawObject) and leaves nothing behind a delete marker.
 */
export interface ArchiveWritten {
  versionId?: string;
}

/** An ArchiveWritten from createOnly's answer: the write's output, or undefined (412: there already). */
export function writtenVersion(output: { VersionId?: string | undefined } | undefined): ArchiveWritten {
  return output?.VersionId ? { versionId: output.VersionId } : {};
}

/**
 * How long a create-only write waits, in all, for another write of its key to end. S3 answers
 * `409 ConditionalRequestConflict` while a conditional write of the key is in flight and asks
 * the client to retry; identical uploads racing each other meet it whenever their archives set
 * off together, and the winner's write lasts as long as its body takes to arrive (a small
 * archive's PUT, a multipart completion, or the PUT a large archive falls back to when its
 * completion met a 409: rawArchiveInFlight.ts). Past it, the caller is told to retry (an upload
 * session's processor leaves its message to SQS to deliver again).
 */
export const CONDITIONAL_CONFLICT_WAIT_MS = 10_000;

/**
 * Runs a create-only write (`If-None-Match: *`) to its end: the write's output when it created
 * the object, undefined when the object was there already (412). A 409 (another write of the key in flight) is
 * tried again after a jittered, growing pause (so racing writers do not meet again in lockstep)
 * until the other write has ended: then the key exists (412: the same bytes, since the key is
 * derived from them) or is free again (the other write failed: this one creates it). Should the
 * key stay busy past CONDITIONAL_CONFLICT_WAIT_MS, the caller gets `429 throttled` with a
 * Retry-After, never the S3 error (which would be a 500).
 */
export async function createOnly<T>(write: () => Promise<T>, waitMs = CONDITIONAL_CONFLICT_WAIT_MS): Promise<T | undefined> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      const status = httpStatusOf(error);
      if (status === 412) return undefined;
      if (status !== 409) throw error;
      const pause = Math.random() * Math.min(1000, 20 * 2 ** attempt);
      if (Date.now() + pause > deadline) {
        throw new ProblemError('throttled', 'Another upload of the same snapshot is being stored; retry after 1 s.', undefined, { 'retry-after': '1' });
      }
      await sleep(pause);
    }
  }
}

/** The HTTP status of an S3 error, as the SDK reports it. */
export function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

/**
 * Deletes an upload's archive that no commit took: the version this upload's write made, for
 * good, where it knows one (a versioned bucket: a plain delete would only hide the data behind a
 * delete marker for the lifecycle's 30 days); the object otherwise (an unversioned bucket, or an
 * object another upload of the same bytes wrote, whose own refusal removes its version).
 */
export async function deleteRawObject(c: Clients, key: string, written?: ArchiveWritten): Promise<void> {
  const VersionId = written?.versionId;
  await s3Of(c).send(new DeleteObjectCommand({ Bucket: c.config.rawBucket, Key: key, ...(VersionId ? { VersionId } : {}) }));
}

/**
 * Deletes every object under a prefix, every version of it where the bucket is versioned
 * (opting out means the data is gone, not hidden behind a delete marker).
 */
export async function deleteRawPrefix(c: Clients, prefix: string): Promise<number> {
  let deleted = 0;
  const { Status } = await s3Of(c).send(new GetBucketVersioningCommand({ Bucket: c.config.rawBucket }));
  const versioned = Status === 'Enabled' || Status === 'Suspended';
  const batches = versioned ? await listVersions(c, prefix) : (await listRawKeys(c, prefix)).map((Key) => ({ Key }));
  for (let i = 0; i < batches.length; i += 1000) {
    const chunk = batches.slice(i, i + 1000);
    await s3Of(c).send(new DeleteObjectsCommand({ Bucket: c.config.rawBucket, Delete: { Objects: chunk, Quiet: true } }));
    deleted += chunk.length;
  }
  return deleted;
}

type ObjectIdentifier = { Key: string; VersionId?: string };

/** All versions and delete markers under the prefix. */
async function listVersions(c: Clients, prefix: string): Promise<ObjectIdentifier[]> {
  const found: ObjectIdentifier[] = [];
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  do {
    const page = await s3Of(c).send(new ListObjectVersionsCommand({ Bucket: c.config.rawBucket, Prefix: prefix, KeyMarker, VersionIdMarker }));
    for (const v of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
      if (v.Key) found.push(v.VersionId ? { Key: v.Key, VersionId: v.VersionId } : { Key: v.Key });
    }
    KeyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    VersionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (KeyMarker);
  return found;
}

/** Every object key under a prefix of the raw bucket. */
export async function listRawKeys(c: Clients, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await s3Of(c).send(new ListObjectsV2Command({ Bucket: c.config.rawBucket, Prefix: prefix, ContinuationToken }));
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return keys;
}

/** The JSON an archived object holds (the upload's envelope), inflated. */
export async function readRawJson(c: Clients, key: string): Promise<Buffer> {
  const object = await s3Of(c).send(new GetObjectCommand({ Bucket: c.config.rawBucket, Key: key }));
  return gunzipSync(Buffer.from(await defined(object.Body, `the body of raw object ${key}`).transformToByteArray()));
}

/** The records of an archived snapshot. */
export async function readRawRecords<R>(c: Clients, key: string): Promise<R[]> {
  return (JSON.parse((await readRawJson(c, key)).toString('utf8')) as { records: R[] }).records;
}
