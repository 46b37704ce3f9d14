/** The body of POST /v1/upload-sessions (DESIGN.md §3). */
import * as z from 'zod';

export const uploadSessionRequest = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('query'),
    queryType: z.string().min(1).max(64),
    contentLength: z.int().min(1),
    contentEncoding: z.enum(['gzip', 'identity']).optional(),
  }),
  z.strictObject({
    kind: z.literal('bundle'),
    contentLength: z.int().min(1),
  }),
]);

export type UploadSessionRequest = z.infer<typeof uploadSessionRequest>;
export type UploadKind = UploadSessionRequest['kind'];

/** Where a session's object is put in the incoming bucket; the processor reads the upload id back from it. */
export const INCOMING_PREFIX = 'incoming/';

export function incomingKey(uploadId: string): string {
  return `${INCOMING_PREFIX}${uploadId}`;
}

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The upload id of an incoming object key, or undefined for any other key. */
export function uploadIdOfKey(key: string): string | undefined {
  if (!key.startsWith(INCOMING_PREFIX)) return undefined;
  const id = key.slice(INCOMING_PREFIX.length);
  return UPLOAD_ID.test(id) ? id : undefined;
}

export const contentTypeOf = (kind: UploadKind) => (kind === 'bundle' ? 'application/zip' : 'application/json');
