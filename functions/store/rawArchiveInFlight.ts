/**
 * An upload's archive in flight: the one object that owns it from the moment its name is known
 * until the upload's outcome. Its life: `start` when named (collectedAt and the archived bytes'
 * SHA-256 make the key), then `complete` (the upload is valid) or `discard` (it is not, or
 * anything failed). services/acceptUpload.ts starts it as soon as the name is known, often
 * while the body is still being read, so that its bytes travel while the upload is read and
 * validated.
 *
 * A large archive goes to S3 as the one part of a multipart upload, which S3 keeps invisible
 * (no object, nothing listed or readable) until it is completed: `complete()` completes it
 * create-only once the upload is known to be valid, `discard()` aborts it otherwise, so nothing
 * invalid is ever stored. Should a process die between the two, the bucket's lifecycle rule
 * removes the parts (lib/constructs/storage.ts, AbortIncompleteMultipartUpload after a day).
 * A completion that meets 409 (another write of the key in flight) has ended the multipart
 * upload, as S3 does with that answer: the bytes, still at hand, go as one create-only PUT
 * instead, sent once more (only identical large uploads racing each other meet it).
 * Small archives are simply PUT at completion: three requests would cost them more than the
 * overlap saves.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { defined } from '../domain/defined.js';
import type { ArchiveBytes } from '../domain/uploadJson.js';
import type { Clients } from './clients.js';
import { type ArchiveWritten, httpStatusOf, putRawObject, type RawObject, rawObject, type RawObjectIds, writtenVersion } from './rawArchive.js';
import { s3Of, withPayloadSha256 } from './s3Client.js';

/** Archives at least this large (gzip bytes) are sent while the upload is read and validated. */
const IN_FLIGHT_MIN_BYTES = 1024 * 1024;

export interface ArchiveInFlight {
  /**
   * Names the archive and sets it off (once the bytes are hashed), unless it set off already or
   * has ended: the first name holds until `complete`. Throws nothing: should setting off fail,
   * `complete` sets off again and meets the error in its own place.
   */
  start(collectedAt: string, bytes: Promise<ArchiveBytes>): void;
  /**
   * Makes the archive durable under the validated collectedAt's name, create-only (an object
   * already there, the same bytes, is kept as it is), and answers its key. Set off under
   * another name (the envelope's head said otherwise than the whole), it is discarded and set
   * off again under this one. With the key, what the write left (deleteRawObject removes
   * exactly that when no commit takes the archive).
   */
  complete(collectedAt: string, bytes: Promise<ArchiveBytes>): Promise<{ key: string; written: ArchiveWritten }>;
  /** Leaves nothing stored of it, set off or not; it sets off no more. Nothing once completed. */
  discard(): Promise<void>;
}

/** The archive of one upload, not named yet. */
export function archiveInFlight(c: Clients, upload: RawObjectIds): ArchiveInFlight {
  let ended = false;
  /** The object set off, and not completed or discarded yet. */
  let sending: Promise<ObjectWrite> | undefined;
  const discardSent = async () => {
    const sent = sending;
    sending = undefined;
    await (await sent?.catch(() => undefined))?.discard();
  };
  return {
    start: (collectedAt, bytes) => {
      if (ended || sending) return;
      sending = bytes.then((archive) => startObjectWrite(c, rawObject(upload, collectedAt, archive)));
      sending.catch(() => undefined);
    },
    complete: async (collectedAt, bytes) => {
      ended = true;
      const object = rawObject(upload, collectedAt, await bytes);
      let write = await sending?.catch(() => undefined);
      if (write?.key !== object.key) {
        await discardSent();
        write = startObjectWrite(c, object);
      }
      // From here the write is the completion's: it aborts itself where it cannot complete.
      sending = undefined;
      return { key: object.key, written: await write.commit() };
    },
    discard: () => {
      ended = true;
      return discardSent();
    },
  };
}

/** One object's write: under way, and ended by exactly one of its two functions. */
interface ObjectWrite {
  readonly key: string;
  /** Makes the object durable (create-only: an object already there is kept as it is). */
  commit(): Promise<ArchiveWritten>;
  /** Leaves nothing stored. */
  discard(): Promise<void>;
}

/** Starts writing an object: sent now, invisibly, when large; written at `commit()` when small. */
function startObjectWrite(c: Clients, object: RawObject): ObjectWrite {
  const s3 = s3Of(c);
  const where = { Bucket: c.config.rawBucket, Key: object.key };
  const { gzipBody } = object;
  const sending = (async (): Promise<'small' | { UploadId: string; ETag: string }> => {
    if (gzipBody.length < IN_FLIGHT_MIN_BYTES) return 'small';
    const created = await s3.send(
      new CreateMultipartUploadCommand({ ...where, ContentType: 'application/json', ContentEncoding: 'gzip', Metadata: object.metadata }),
    );
    const UploadId = defined(created.UploadId, 'the UploadId of a multipart upload');
    const part = await s3.send(withPayloadSha256(new UploadPartCommand({ ...where, UploadId, PartNumber: 1, Body: gzipBody }), object.gzipSha256));
    return { UploadId, ETag: defined(part.ETag, 'the ETag of an uploaded part') };
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
      try {
        return writtenVersion(
          await s3.send(new CompleteMultipartUploadCommand({ ...where, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] }, IfNoneMatch: '*' })),
        );
      } catch (error) {
        await abort();
        const status = httpStatusOf(error);
        // 412: the object exists already, with these same bytes (the key is derived from them); ours is not needed.
        if (status === 412) return {};
        // 409: another write of the key was in flight, and S3 has ended this multipart upload with
        // its answer (a completion is not retried: S3 wants the upload made anew). The bytes are
        // at hand, so they go as one create-only PUT, which waits for the other write to end.
        if (status === 409) return putRawObject(c, object);
        throw error;
      }
    },
    discard: abort,
  };
}
