/**
 * Where s3rver differs from S3 in ways the service relies on, it is made to answer as S3 does.
 *
 * Conditional writes, as S3 answers them: `If-None-Match: *` on a PUT, or on the
 * CompleteMultipartUpload, of an object that exists is `412 PreconditionFailed`, and while
 * another conditional write of the same key is in flight `409 ConditionalRequestConflict`; a
 * completion that meets the 409 ends its multipart upload, as S3 does (its parts are gone, and
 * the client must create the upload again).
 * s3rver ignores the header and writes straight into the object's file, so two writers of one
 * key interleave their bytes: the raw archive (written create-only, functions/store/rawArchive.ts)
 * would be corrupted locally where S3 keeps it intact. Also AbortMultipartUpload, which s3rver
 * lacks: the upload's parts are removed and it is gone, as on S3.
 *
 * A request may ask, by the header HOLD_IN_FLIGHT_HEADER (milliseconds, at most 5 s), that its
 * conditional write be held in flight that long before it is written: the tests use it to keep a
 * key busy as a slow upload to S3 would (racing writers then meet 409s for that long). Only the
 * local emulator reads it; S3 ignores unknown headers and the service never sends it.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

interface KoaContext {
  method: string;
  path: string;
  querystring: string;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  type: string;
  body: unknown;
}
type KoaMiddleware = (ctx: KoaContext, next: () => Promise<unknown>) => Promise<unknown>;

/** s3rver is a Koa application; its store and middleware list are public but not in its types. */
export interface S3rverInternals {
  middleware: KoaMiddleware[];
  store: {
    existsObject(bucket: string, key: string): Promise<boolean>;
    getResourcePath(bucket: string, key: string | undefined, resource: string): string;
    putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
    putObjectMultipart(bucket: string, uploadId: string, parts: { number: number; etag: string }[]): Promise<{ md5: string; size: number }>;
  };
}

/** The emulator's test hook: hold this conditional write in flight for that many ms. */
export const HOLD_IN_FLIGHT_HEADER = 'x-local-s3-hold-ms';

/** s3rver's multipart upload ids (hex): anything else is no upload of its, and no path to touch. */
const MULTIPART_UPLOAD_ID = /^[0-9a-f]+$/;

/** Where s3rver keeps a multipart upload's parts and metadata. */
function uploadDirOf(store: S3rverInternals['store'], bucket: string, uploadId: string): string {
  return join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
}

function xmlError(ctx: KoaContext, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

/** Adds conditional writes, multipart aborts and quick one-part completions to s3rver (call before `run()`). */
export function actLikeS3(s3rver: S3rverInternals): void {
  completeOnePartByRename(s3rver.store);
  const inFlight = new Set<string>();
  s3rver.middleware.unshift(async (ctx, next) => {
    const uploadId = new URLSearchParams(ctx.querystring).get('uploadId');
    // Path-style requests: /<bucket>/<key>.
    const [, bucket = '', ...rest] = ctx.path.split('/');
    const key = decodeURIComponent(rest.join('/'));
    if (ctx.method === 'DELETE' && uploadId !== null && MULTIPART_UPLOAD_ID.test(uploadId)) {
      await rm(uploadDirOf(s3rver.store, bucket, uploadId), { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    // Whole-object PUTs (the SDK adds `?x-id=PutObject`) and multipart completions (POST ?uploadId); not parts.
    const completing = ctx.method === 'POST' && uploadId !== null;
    const putting = ctx.method === 'PUT' && !/(^|&)(uploadId|partNumber)=/.test(ctx.querystring);
    if (ctx.headers['if-none-match'] !== '*' || !(completing || putting)) return next();
    const id = `${bucket}/${key}`;
    if (key === '') return next();
    if (completing && !(MULTIPART_UPLOAD_ID.test(uploadId) && existsSync(uploadDirOf(s3rver.store, bucket, uploadId)))) {
      // As S3: an upload that is gone (aborted, completed, or ended by a 409) is no upload, whatever the object.
      return xmlError(ctx, 404, 'NoSuchUpload', 'The specified upload does not exist.');
    }
    if (inFlight.has(id)) {
      // S3 ends a multipart upload whose completion meets a 409: the client must start it anew.
      if (completing) await rm(uploadDirOf(s3rver.store, bucket, uploadId), { recursive: true, force: true });
      return xmlError(ctx, 409, 'ConditionalRequestConflict', 'A conflicting conditional operation is currently in progress against this resource.');
    }
    inFlight.add(id);
    try {
      if (await s3rver.store.existsObject(bucket, key)) return xmlError(ctx, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
      const holdMs = Math.min(5000, Number(ctx.headers[HOLD_IN_FLIGHT_HEADER] ?? 0) || 0);
      if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
      return await next();
    } finally {
      inFlight.delete(id);
    }
  });
}

/**
 * S3 completes a multipart upload without moving its bytes again; s3rver reads every part back
 * and writes the object anew. A one-part upload (how the raw archive sends large objects,
 * functions/store/rawArchiveInFlight.ts) is completed here as S3 would, by making the part the
 * object: a rename, its MD5 and metadata kept. Anything else is left to s3rver.
 */
function completeOnePartByRename(store: S3rverInternals['store']): void {
  const putObjectMultipart = store.putObjectMultipart.bind(store);
  store.putObjectMultipart = async (bucket, uploadId, parts) => {
    const uploadDir = uploadDirOf(store, bucket, uploadId);
    const [part] = parts;
    if (!part || parts.length !== 1 || !MULTIPART_UPLOAD_ID.test(uploadId)) return putObjectMultipart(bucket, uploadId, parts);
    const partPath = join(uploadDir, String(part.number));
    const [key, headers, md5] = await Promise.all([
      readFile(join(uploadDir, 'key'), 'utf8'),
      readFile(join(uploadDir, 'metadata'), 'utf8').then((text) => JSON.parse(text) as Record<string, string>),
      readFile(`${partPath}.md5`, 'utf8'),
    ]);
    if (md5 !== part.etag) return putObjectMultipart(bucket, uploadId, parts);
    const objectPath = store.getResourcePath(bucket, key, 'object');
    await mkdir(dirname(objectPath), { recursive: true });
    await rename(partPath, objectPath);
    const { size } = await stat(objectPath);
    // As s3rver's own objects: a content type always (its default when none was given).
    await store.putMetadata(bucket, key, { 'content-type': 'binary/octet-stream', ...headers }, md5);
    await rm(uploadDir, { recursive: true, force: true });
    return { md5, size };
  };
}
