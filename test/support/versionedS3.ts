/**
 * A stand-in for a versioned S3 bucket, as the raw bucket is on AWS (lib/constructs/storage.ts):
 * s3rver implements no versioning, so the opt-out's versioned purge (store/rawArchive.ts
 * deleteRawPrefix: ListObjectVersions, DeleteObjects by VersionId) never ran against it. It
 * answers, through the SDK's middleware (test/support/sdkCalls.ts), the S3 calls the upload and
 * the purge make, keeping versions as S3 does: every PUT a new version, a DELETE without a
 * version id a delete marker (the data stays, noncurrent), a DELETE with one removes that
 * version for good; listings of versions come in pages, as S3's do (here of 3, to exercise the
 * markers). DynamoDB calls go through to the emulator.
 */
import { randomUUID } from 'node:crypto';
import type { Clients } from '../../functions/store/clients.js';
import { interceptSdkCalls } from './sdkCalls.js';

interface Version {
  versionId: string;
  deleteMarker: boolean;
  body: Buffer;
  metadata: Record<string, string>;
}

const PAGE = 3;

function s3Error(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

/** The bucket's versions, by key: every version and delete marker, oldest first. */
export type VersionedBucket = Map<string, Version[]>;

/** Answers the clients' S3 calls from a versioned bucket kept in memory, until `remove()`. */
export function versionedS3(c: Clients): { bucket: VersionedBucket; remove(): void } {
  const bucket: VersionedBucket = new Map();
  const latest = (key: string) => bucket.get(key)?.at(-1);
  const live = (key: string) => {
    const version = latest(key);
    return version && !version.deleteMarker ? version : undefined;
  };
  const deleteOne = (key: string, versionId?: string) => {
    const versions = bucket.get(key) ?? [];
    if (versionId === undefined) versions.push({ versionId: randomUUID(), deleteMarker: true, body: Buffer.alloc(0), metadata: {} });
    else {
      const index = versions.findIndex((v) => v.versionId === versionId);
      if (index >= 0) versions.splice(index, 1);
    }
    if (versions.length === 0) bucket.delete(key);
    else bucket.set(key, versions);
  };
  const { remove } = interceptSdkCalls(c, async ({ command, input }, send) => {
    if (!('Bucket' in input)) return send();
    const key = input.Key as string;
    switch (command) {
      case 'GetBucketVersioningCommand':
        return { output: { Status: 'Enabled' } };
      case 'PutObjectCommand': {
        if (input.IfNoneMatch === '*' && live(key)) throw s3Error('PreconditionFailed', 412);
        const body = input.Body;
        const version: Version = { versionId: randomUUID(), deleteMarker: false, body: Buffer.from(body as Uint8Array), metadata: (input.Metadata ?? {}) as Record<string, string> };
        bucket.set(key, [...(bucket.get(key) ?? []), version]);
        return { output: { VersionId: version.versionId, ETag: `"${version.versionId}"` } };
      }
      case 'HeadObjectCommand':
      case 'GetObjectCommand': {
        const version = input.VersionId ? bucket.get(key)?.find((v) => v.versionId === input.VersionId) : live(key);
        if (!version || version.deleteMarker) throw s3Error(command === 'HeadObjectCommand' ? 'NotFound' : 'NoSuchKey', 404);
        const Body = { transformToByteArray: async () => new Uint8Array(version.body), transformToString: async () => version.body.toString('utf8') };
        return { output: { VersionId: version.versionId, ContentLength: version.body.length, Metadata: version.metadata, ...(command === 'GetObjectCommand' ? { Body } : {}) } };
      }
      case 'DeleteObjectCommand':
        deleteOne(key, input.VersionId as string | undefined);
        return { output: {} };
      case 'DeleteObjectsCommand': {
        for (const o of (input.Delete as { Objects: { Key: string; VersionId?: string }[] }).Objects) deleteOne(o.Key, o.VersionId);
        return { output: { Deleted: [] } };
      }
      case 'ListObjectsV2Command': {
        const prefix = (input.Prefix as string | undefined) ?? '';
        const keys = [...bucket.keys()].filter((k) => k.startsWith(prefix) && live(k)).sort();
        return { output: { Contents: keys.map((Key) => ({ Key })), IsTruncated: false } };
      }
      case 'ListObjectVersionsCommand': {
        const prefix = (input.Prefix as string | undefined) ?? '';
        // Every version, keys in order and each key's newest first, as S3 lists them.
        const all = [...bucket.keys()]
          .filter((k) => k.startsWith(prefix))
          .sort()
          .flatMap((Key) => [...bucket.get(Key)!].reverse().map((v) => ({ Key, v })));
        let start = 0;
        if (input.KeyMarker !== undefined) start = all.findIndex((e) => e.Key === input.KeyMarker && e.v.versionId === input.VersionIdMarker) + 1;
        const page = all.slice(start, start + PAGE);
        const truncated = start + PAGE < all.length;
        const last = page.at(-1);
        return {
          output: {
            Versions: page.filter((e) => !e.v.deleteMarker).map((e) => ({ Key: e.Key, VersionId: e.v.versionId })),
            DeleteMarkers: page.filter((e) => e.v.deleteMarker).map((e) => ({ Key: e.Key, VersionId: e.v.versionId })),
            IsTruncated: truncated,
            ...(truncated && last ? { NextKeyMarker: last.Key, NextVersionIdMarker: last.v.versionId } : {}),
          },
        };
      }
      default:
        throw new Error(`the versioned S3 stand-in does not answer ${command}`);
    }
  });
  return { bucket, remove };
}
