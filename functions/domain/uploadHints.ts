/**
 * Hints for the natural mistakes of a direct upload (the staff issue, item 6): a CSV export, a
 * bare array of records, gzip without Content-Encoding, a bundle sent to the wrong route. Each
 * is recognised from the first bytes of the body (O(1), before any parsing) and answered with a
 * problem that says what to do instead of what the parser tripped over.
 */
import { gunzipSync, constants } from 'node:zlib';
import { ProblemError } from './problems.js';

const GZIP_MAGIC = [0x1f, 0x8b];
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
/** How much of a gzip body is inflated to look at its start. */
const GZIP_PEEK_BYTES = 4096;

const ENVELOPE = '{schemaVersion, collectedAt, mpaVersion, records}';

function startsWith(bytes: Buffer, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((byte, i) => bytes[i] === byte);
}

/** The first characters of the text, after a byte-order mark and whitespace. */
function head(bytes: Buffer): string {
  return bytes.subarray(0, 512).toString('utf8').replace(/^\uFEFF/, '').trimStart();
}

/** The start of a gzip body, inflated as far as its first few KiB go; undefined when it is not gzip. */
function inflatedStart(sent: Buffer): Buffer | undefined {
  try {
    return gunzipSync(sent.subarray(0, GZIP_PEEK_BYTES), { finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    return undefined;
  }
}

/** The problem a body's first bytes show, or undefined when they look like a JSON object. */
export function uploadBodyHint(sent: Buffer, encoding: 'identity' | 'gzip'): ProblemError | undefined {
  if (encoding === 'identity') {
    if (startsWith(sent, GZIP_MAGIC)) {
      return new ProblemError('invalid_json', 'The body is gzip-compressed: send it with the header Content-Encoding: gzip.');
    }
    if (startsWith(sent, ZIP_MAGIC)) {
      return new ProblemError('unsupported_media_type', 'The body is a zip file: POST offline bundles to /v1/bundles with Content-Type: application/zip.');
    }
  }
  const start = encoding === 'gzip' ? inflatedStart(sent) : sent;
  if (!start || start.length === 0) return undefined;
  if (encoding === 'gzip' && startsWith(start, ZIP_MAGIC)) {
    return new ProblemError('unsupported_media_type', 'The body is a zip file: POST offline bundles to /v1/bundles with Content-Type: application/zip.');
  }
  const text = head(start);
  if (text.startsWith('[')) {
    return new ProblemError('validation_failed', `The body is a bare array of records: wrap it in the upload envelope ${ENVELOPE} (the CLI's \`mpa-licensing envelope <queryType> <file>\` does this).`, [
      { path: '', message: `must be the envelope ${ENVELOPE}` },
    ]);
  }
  if (looksLikeCsv(text)) {
    return new ProblemError('invalid_json', 'The body looks like CSV: uploads take the JSON envelope; CSV exports belong in an offline bundle (POST /v1/bundles, see `mpa-licensing bundle create`).');
  }
  return undefined;
}

/** A first line of comma-separated field names, not JSON. */
function looksLikeCsv(text: string): boolean {
  if (text.startsWith('{') || text === '') return false;
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  return /^"?[A-Za-z_][A-Za-z0-9_ ]*"?(,"?[A-Za-z_][A-Za-z0-9_ ]*"?)+$/.test(firstLine) || (firstLine.includes(',') && !/^[\d"tfn-]/.test(firstLine));
}

/** The hint for a Content-Type other than JSON on an upload. */
export function contentTypeHint(mediaType: string | undefined): string {
  switch (mediaType) {
    case 'text/csv':
      return ` CSV exports belong in an offline bundle (POST /v1/bundles); an upload is the JSON envelope ${ENVELOPE}.`;
    case 'application/zip':
      return ' Offline bundles go to POST /v1/bundles.';
    case 'application/gzip':
    case 'application/x-gzip':
      return ' Send gzip JSON as Content-Type: application/json with Content-Encoding: gzip.';
    default:
      return '';
  }
}
