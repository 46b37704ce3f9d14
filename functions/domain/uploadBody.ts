/**
 * Turning the bytes of a request into JSON text: Content-Type and Content-Encoding checks,
 * the size limits of DESIGN.md §3, gzip inflated with its limit enforced while inflating.
 */
import { gzip, gzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import { isAscii } from 'node:buffer';
import { contentTypeHint } from './uploadHints.js';
import { ProblemError } from './problems.js';

const gzipAsync = promisify(gzip);

export const MiB = 1024 * 1024;

export interface BodyLimits {
  /** Bytes as sent (after transfer, before Content-Encoding is removed). */
  maxSentBytes: number;
  /** Bytes once inflated. */
  maxInflatedBytes: number;
}

/**
 * The one limit of a direct POST body (uploads and bundles) as sent, on AWS and locally
 * (DESIGN.md §3): 4 MiB. API Gateway hands a binary body to Lambda base64-encoded (4/3 of its
 * size) inside the event, which Lambda takes up to 6 MB; 4 MiB (5.6 MB encoded) leaves room
 * for the event's other fields. Larger bodies go through an upload session; the CLI sends them
 * there itself (functions/cli/transfer.ts).
 */
export const DIRECT_BODY_MAX_BYTES = 4 * MiB;

/** Direct POST: DIRECT_BODY_MAX_BYTES as sent and 100 MiB inflated. */
export const directUploadLimits: BodyLimits = { maxSentBytes: DIRECT_BODY_MAX_BYTES, maxInflatedBytes: 100 * MiB };

/** Where a body too large for a direct POST goes, as a 413's detail ends (DESIGN.md §3). */
const throughUploadSession = (kind: 'query' | 'bundle') => `send it through an upload session (POST /v1/upload-sessions, kind "${kind}").`;

/** The detail of a 413 for a body too large to send directly: it names upload sessions. */
export function tooLargeForDirectDetail(what: string, bytes: number, kind: 'query' | 'bundle'): string {
  return `${what} is ${bytes} bytes; at most ${DIRECT_BODY_MAX_BYTES} (4 MiB) may be sent directly: ${throughUploadSession(kind)}`;
}

export type ContentEncoding = 'identity' | 'gzip';

export function requireJsonContentType(contentType: string | undefined): void {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new ProblemError('unsupported_media_type', `Content-Type must be application/json${mediaType ? `, not ${mediaType.slice(0, 100)}` : ''}.${contentTypeHint(mediaType)}`);
  }
}

export function parseContentEncoding(header: string | undefined): ContentEncoding {
  const value = (header ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  throw new ProblemError('unsupported_media_type', `Content-Encoding ${value.slice(0, 100)} is not supported; send gzip or no encoding.`);
}

export function checkSentSize(sent: Buffer, limits: BodyLimits): void {
  if (sent.length > limits.maxSentBytes) {
    throw new ProblemError(
      'payload_too_large',
      limits.maxSentBytes === DIRECT_BODY_MAX_BYTES
        ? tooLargeForDirectDetail('The body', sent.length, 'query')
        : `The body is ${sent.length} bytes; at most ${limits.maxSentBytes} may be sent.`,
    );
  }
}

/** The detail of a 413 for a direct body that inflates past its limit: it names upload sessions too. */
export function tooLargeInflatedForDirectDetail(what: string, maxInflatedBytes: number, kind: 'query' | 'bundle'): string {
  return `${what} inflates to more than ${maxInflatedBytes} bytes, the most a direct POST may: ${throughUploadSession(kind)}`;
}

export function tooLargeInflated(limits: BodyLimits): ProblemError {
  return new ProblemError(
    'payload_too_large',
    limits.maxSentBytes === DIRECT_BODY_MAX_BYTES ? tooLargeInflatedForDirectDetail('The body', limits.maxInflatedBytes, 'query') : `The body inflates to more than ${limits.maxInflatedBytes} bytes.`,
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON text from bytes: strict UTF-8 (a leading byte-order mark is dropped). ASCII, which
 * nearly every upload is, takes the one-byte copy, about ten times faster than decoding.
 */
export function jsonText(bytes: Buffer): string {
  if (isAscii(bytes)) return bytes.toString('latin1');
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ProblemError('invalid_json', 'The body is not valid UTF-8.');
  }
}

/** Bodies below this are compressed on this thread: the thread pool's round trip costs them more. */
const SYNC_GZIP_MAX_BYTES = 64 * 1024;

/**
 * Gzip for the archive. Level 1: JSON still shrinks about 8:1 at a fraction of the CPU. A large
 * body is compressed on the thread pool while this thread parses; a small one (most uploads, a
 * few KB) here at once, where a zlib stream's set-up and hand-over would cost this thread
 * several times more than the compression (docs/decisions.md).
 */
export function gzipForArchive(bytes: Buffer): Promise<Buffer> {
  if (bytes.length < SYNC_GZIP_MAX_BYTES) return Promise.resolve(gzipSync(bytes, { level: 1 }));
  return gzipAsync(bytes, { level: 1 });
}
