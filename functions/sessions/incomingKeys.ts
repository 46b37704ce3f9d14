/**
 * Where upload sessions put their objects in the incoming bucket, apart from the request schema
 * (./request.ts) so that the processor loads no request validation.
 */

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

export const contentTypeOf = (kind: 'query' | 'bundle') => (kind === 'bundle' ? 'application/zip' : 'application/json');
