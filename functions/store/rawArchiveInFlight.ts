/**
 * Archiving a large upload while it is still being read and validated (services/acceptUpload.ts
 * starts it as soon as the archive's name is known). Its bytes go to S3 as the one
 * part of a multipart upload, which S3 keeps invisible (no object, nothing listed or readable)
 * until it is completed: `commit()` completes it create-only once the upload is known to be
 * valid, `discard()` aborts it otherwise, so nothing invalid is ever stored. Should a process
 * die between the two, the bucket's lifecycle rule removes the parts (lib/constructs/storage.ts,
 * AbortIncompleteMultipartUpload after a day). Small archives are simply PUT at commit: three
 * requests would cost them more than the overlap saves.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { Clients } from './clients.js';
import { createOnly, putRawObject, type RawObject } from './rawArchive.js';
import { s3Of, withPayloadSha256 } from './s3Client.js';

/** Archives at least this large (gzip bytes) are sent while the upload is read and validated. */
const IN_FLIGHT_MIN_BYTES = 1024 * 1024;

export interface RawArchiving {
  readonly key: string;
  /** Makes the object durable (create-only: an object already there is kept as it is). */
  commit(): Promise<void>;
  /** Leaves nothing stored. */
  discard(): Promise<void>;
}

/** Starts archiving: sent now, invisibly, when large; written at `commit()` when small. */
export function startRawArchive(c: Clients, object: RawObject): RawArchiving {
  const s3 = s3Of(c);
  const where = { Bucket: c.config.rawBucket, Key: object.key };
  const { gzipBody } = object;
  const sending = (async (): Promise<'small' | { UploadId: string; ETag: string }> => {
    if (gzipBody.length < IN_FLIGHT_MIN_BYTES) return 'small';
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ ...where, ContentType: 'application/json', ContentEncoding: 'gzip', Metadata: object.metadata }),
    );
    const { ETag } = await s3.send(withPayloadSha256(new UploadPartCommand({ ...where, UploadId, PartNumber: 1, Body: gzipBody }), object.gzipSha256));
    return { UploadId: UploadId!, ETag: ETag! };
  })();
  sending.catch(() => undefined);
  const abort = async () => {
    try {
      const sent = await sending;
      if (sent !== 'small') await s3.send(new AbortMultipartUploadCommand({ ...where, UploadId: sent.UploadId }));
    } catch {
      // Never started, or gone already; whatever remains the lifecycle rule removes.
    }
  };
  return {
    key: object.key,
    commit: async () => {
      const sent = await sending;
      if (sent === 'small') return putRawObject(c, object);
      const { UploadId, ETag } = sent;
      const complete = () =>
        s3.send(new CompleteMultipartUploadCommand({ ...where, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] }, IfNoneMatch: '*' }));
      try {
        // False: the object exists already, with these same bytes (the key is derived from them); ours is not needed.
        if (!(await createOnly(complete))) await abort();
      } catch (error) {
        await abort();
        throw error;
      }
    },
    discard: abort,
  };
}
