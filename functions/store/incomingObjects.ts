/**
 * The objects of upload sessions in the incoming bucket (`incoming/<uploadId>`): looked at,
 * read by range of exactly the version looked at, deleted. Their session-log items are in
 * uploadSessions.ts.
 */
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import type { Clients } from './clients.js';
import { s3Of } from './s3Client.js';

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
