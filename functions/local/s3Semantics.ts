/**
 * Conditional writes for s3rver, as S3 answers them: `If-None-Match: *` on a PUT, or on the
 * CompleteMultipartUpload, of an object that exists is `412 PreconditionFailed`, and while
 * another conditional write of the same key is in flight `409 ConditionalRequestConflict`.
 * s3rver ignores the header and writes straight into the object's file, so two writers of one
 * key interleave their bytes: the raw archive (written create-only, functions/store/rawArchive.ts)
 * would be corrupted locally where S3 keeps it intact. Also AbortMultipartUpload, which s3rver
 * lacks: the upload's parts are removed and it is gone, as on S3.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

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
  };
}

function xmlError(ctx: KoaContext, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

/** Adds the conditional-write check and multipart aborts in front of s3rver's own handling (call before `run()`). */
export function honourConditionalPuts(s3rver: S3rverInternals): void {
  const inFlight = new Set<string>();
  s3rver.middleware.unshift(async (ctx, next) => {
    const uploadId = new URLSearchParams(ctx.querystring).get('uploadId');
    // Path-style requests: /<bucket>/<key>.
    const [, bucket = '', ...rest] = ctx.path.split('/');
    const key = decodeURIComponent(rest.join('/'));
    if (ctx.method === 'DELETE' && uploadId !== null && /^[0-9a-f]+$/.test(uploadId)) {
      await rm(join(s3rver.store.getResourcePath(bucket, undefined, 'uploads'), uploadId), { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    // Whole-object PUTs (the SDK adds `?x-id=PutObject`) and multipart completions (POST ?uploadId); not parts.
    const completing = ctx.method === 'POST' && uploadId !== null;
    const putting = ctx.method === 'PUT' && !/(^|&)(uploadId|partNumber)=/.test(ctx.querystring);
    if (ctx.headers['if-none-match'] !== '*' || !(completing || putting)) return next();
    const id = `${bucket}/${key}`;
    if (key === '') return next();
    if (inFlight.has(id)) return xmlError(ctx, 409, 'ConditionalRequestConflict', 'A conflicting conditional operation is currently in progress against this resource.');
    inFlight.add(id);
    try {
      if (await s3rver.store.existsObject(bucket, key)) return xmlError(ctx, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
      return await next();
    } finally {
      inFlight.delete(id);
    }
  });
}
