/**
 * An upload's JSON as the upload path needs it: its SHA-256, whether it may hold an e-mail
 * address, the parsed value, and the gzip bytes to archive with their own SHA-256 (which names
 * the archived object).
 *
 * A gzip body is handled in one pass: while zlib inflates the next chunk on the thread pool,
 * this thread scans, decodes and parses the chunk it has (functions/domain/streamedJson.ts),
 * so the inflated body never exists as one buffer or one string. A plain body is the buffer as
 * received.
 *
 * A gzip body's content SHA-256 is computed as it is read: each inflated chunk, once parsed, is
 * moved to a hashing thread (domain/sha256OffThread.ts), so the hash is ready when validation
 * ends and no chunk is kept. With `validateAs`, the records are validated as they are parsed and
 * let go (domain/validateWhileRead.ts), where the envelope is MPA's. A plain body (one buffer
 * already) is hashed when asked for, a chunk per turn of the event loop, while the archive
 * completes in S3.
 *
 * Size limits and gzip errors are raised here, before anything else; a JSON or UTF-8 error only
 * when `parse()` is called, with the same message a whole-text parse gives.
 *
 * A gzip body is archived as the bytes received, so what the archive needs is known before
 * anything is inflated: `startReadingUploadJson` yields the envelope's head (collectedAt) and
 * those bytes as a value of its own as soon as the records array opens, and the caller's
 * archive can travel while the rest is read. Nothing here calls back into the caller.
 */
import { createHash, webcrypto } from 'node:crypto';
import { createGunzip, createGzip, type Gunzip, gunzipSync, type ZlibOptions } from 'node:zlib';
import { parseJson } from './parseJson.js';
import { jsonMayContainAt, PiecewiseAtScan } from './pii.js';
import { ProblemError } from './problems.js';
import { type ChunkHash, sha256OffThread } from './sha256OffThread.js';
import { StreamedJsonParser } from './streamedJson.js';
import { type BodyLimits, type ContentEncoding, checkSentSize, gzipForArchive, jsonText, tooLargeInflated } from './uploadBody.js';
import type { ValidatedUpload } from './validateUpload.js';
import { type ValidateAs, ValidationWhileRead } from './validateWhileRead.js';

export interface UploadJson {
  /** SHA-256 (hex) of the JSON bytes, inflated: a gzip body's computed as it was read, a plain body's on the first call, in turns of the event loop. */
  sha256(): Promise<string>;
  /** Length of the JSON bytes, inflated. */
  byteLength: number;
  /** Length of the body as received. */
  sentBytes: number;
  /** False when the bytes provably hold no `@` (nor its escape), so no e-mail address. */
  mayContainEmail: boolean;
  /** The parsed JSON; throws `invalid_json` as parsing the whole text would. */
  parse(): unknown;
  /** The gzip bytes to archive: the body as received when it came gzip-compressed. */
  archive(): Promise<ArchiveBytes>;
  /**
   * The upload validated as its records were read (and let go), when they were: then `parse()`
   * would read the whole body again. Undefined where the body is to be parsed and validated whole.
   */
  validatedWhileRead?: (() => Promise<ValidatedUpload>) | undefined;
}

/** The bytes of an archived object and their SHA-256 (hex). */
export interface ArchiveBytes {
  gzip: Buffer;
  sha256: string;
}

/** The envelope's fields before its records (the records array still empty), with the bytes to archive. */
export interface UploadHead {
  value: unknown;
  /** The body as received, to archive; its SHA-256 is computed on the thread pool meanwhile. */
  archive: Promise<ArchiveBytes>;
}

/** An upload's JSON being read: its head as soon as it is known, and the whole once read. */
export interface UploadJsonReading {
  /**
   * The head, once the records array of a gzip body opens; undefined once the read has ended
   * without one (a plain body, another shape, an error). Never rejects.
   */
  head: Promise<UploadHead | undefined>;
  /** The whole, or the problem it is (size, gzip). */
  json: Promise<UploadJson>;
}

/** Reads an upload's JSON. */
export function readUploadJson(sent: Buffer, encoding: ContentEncoding, limits: BodyLimits): Promise<UploadJson> {
  return startReadingUploadJson(sent, encoding, limits).json;
}

/**
 * Reads an upload's JSON, yielding its head (the archive's name) before the records are read.
 * With `validateAs`, a gzip body's records are validated as they are parsed, where the envelope
 * allows (domain/validateWhileRead.ts), and not kept: see `validatedWhileRead`.
 */
export function startReadingUploadJson(sent: Buffer, encoding: ContentEncoding, limits: BodyLimits, validateAs?: ValidateAs): UploadJsonReading {
  let headRead!: (head: UploadHead | undefined) => void;
  const head = new Promise<UploadHead | undefined>((resolve) => (headRead = resolve));
  const json = (async () => {
    try {
      checkSentSize(sent, limits);
      if (encoding === 'gzip') return await inflateUploadJson(sent, limits, headRead, validateAs);
      if (sent.length > limits.maxInflatedBytes) throw tooLargeInflated(limits);
      return plainUploadJson(sent);
    } finally {
      // No head by now: there is none (a head given already stays as it was).
      headRead(undefined);
    }
  })();
  return { head, json };
}

/**
 * A JSON body held in one buffer (a plain upload, a file of a bundle). Its archive is
 * compressed here, so its name is known only then: no head before the whole.
 */
export function plainUploadJson(json: Buffer): UploadJson {
  let archiving: Promise<ArchiveBytes> | undefined;
  let hashing: Promise<string> | undefined;
  return {
    sha256: () => (hashing ??= sha256InTurns([json])),
    byteLength: json.length,
    sentBytes: json.length,
    mayContainEmail: jsonMayContainAt(json),
    parse: () => parseJson(jsonText(json)),
    archive: () => (archiving ??= gzipForArchive(json).then(archiveBytes)),
  };
}

/** The value of builtUploadJson when the records were validated as the pieces were made, and not kept. */
export const NOT_KEPT: unique symbol = Symbol('not kept');

/**
 * JSON bytes made piece by piece from a value (a bundle file's envelope), never held whole: each
 * piece is hashed, scanned for an `@` and gzipped for the archive (level 1, as gzipForArchive:
 * deflate's output does not depend on how its input is cut, so the archive is the same bytes)
 * as it comes, and let go. The value is what parsing the bytes gives, so `parse()` answers it
 * instead of a second copy of every record; it must be plain JSON data (what JSON.parse makes).
 * With NOT_KEPT for the value, `parse()` throws: the caller validated the records as it made the pieces.
 */
export async function builtUploadJson(pieces: AsyncIterable<Buffer>, value: unknown): Promise<UploadJson> {
  const hash = createHash('sha256');
  const gzip = createGzip({ level: 1 });
  const gzipped: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => gzipped.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    gzip.once('end', resolve);
    gzip.once('error', reject);
  });
  let byteLength = 0;
  const atScan = new PiecewiseAtScan();
  try {
    for await (const piece of pieces) {
      byteLength += piece.length;
      hash.update(piece);
      atScan.push(piece);
      if (!gzip.write(piece)) await new Promise((resolve) => gzip.once('drain', resolve));
    }
  } catch (error) {
    gzip.destroy();
    throw error;
  }
  gzip.end();
  await ended;
  const sha256 = hash.digest('hex');
  let archiving: Promise<ArchiveBytes> | undefined;
  return {
    sha256: () => Promise.resolve(sha256),
    byteLength,
    sentBytes: byteLength,
    mayContainEmail: atScan.mayContainAt,
    parse: () => {
      // Without the value, the records were validated as the pieces were made (validateRecordBatches.ts), and not kept.
      if (value === NOT_KEPT) throw new Error('The JSON of this upload was not kept: it was validated as it was made.');
      return value;
    },
    archive: () => (archiving ??= archiveBytes(Buffer.concat(gzipped))),
  };
}

/**
 * Output chunks of the inflater: few callbacks and hand-overs (zlib's default 16 KiB chunks take
 * three to four times as long to inflate); the parser cuts each into batches of its own size
 * (domain/streamedJson.ts PARSE_BATCH_BYTES).
 */
export const INFLATE_CHUNK = 1024 * 1024;

/** The inflater of the upload path: two chunks may wait while one is handled, so the thread pool keeps inflating. */
function createUploadInflater(): Gunzip {
  return createGunzip({ chunkSize: INFLATE_CHUNK, highWaterMark: 2 * INFLATE_CHUNK } as ZlibOptions);
}

/** `headRead`: given the head once the records array opens (startReadingUploadJson's own promise). */
async function inflateUploadJson(sent: Buffer, limits: BodyLimits, headRead: (head: UploadHead) => void, validateAs: ValidateAs | undefined): Promise<UploadJson> {
  // The archive is the body as received: its hash sets off on the thread pool before anything is inflated.
  const archived = archiveBytes(sent);
  // The content's hash, as it is read: on the worker thread for a body of more than a chunk or so.
  const hash = sent.length >= HASH_OFF_THREAD_MIN_BYTES ? sha256OffThread() : hashHere();
  const parser = new StreamedJsonParser();
  let headGiven = false;
  let validation: ValidationWhileRead | undefined;
  // Whether records were handed to the validation: then the parser's value lacks them.
  let recordsTaken = false;
  let byteLength = 0;
  const atScan = new PiecewiseAtScan();
  const inflater = createUploadInflater();
  inflater.end(sent);
  try {
    for await (const chunk of inflater as AsyncIterable<Buffer>) {
      byteLength += chunk.length;
      if (byteLength > limits.maxInflatedBytes) throw tooLargeInflated(limits);
      atScan.push(chunk);
      parser.push(chunk);
      if (!headGiven && parser.head) {
        headGiven = true;
        headRead({ value: parser.head.value, archive: archived });
        validation = validateAs && ValidationWhileRead.start(validateAs, parser.head.value);
      }
      if (validation) {
        recordsTaken = true;
        const active = validation;
        if (!parser.takeRecords().every((batch) => active.add(batch, atScan.mayContainAt))) {
          // The whole body is to be validated after all (parse() reads it again): the rest is not parsed now.
          validation = undefined;
          parser.abandon();
        }
      }
      // Last: the chunk is the hash's from here on (neither the parser nor the scan keeps a view of it).
      hash.update(chunk);
    }
  } catch (error) {
    hash.discard();
    inflater.destroy();
    if (error instanceof ProblemError || !isZlibError(error)) throw error;
    throw new ProblemError('invalid_json', 'The body is not valid gzip data.');
  }
  // The whole body inflated again at once, for what the streamed read could not serve: the
  // whole-text parse below, and the hash should the hashing thread fail.
  const inflatedWhole = () => gunzipSync(sent, { maxOutputLength: limits.maxInflatedBytes });
  // Asked for now, so that the worker lets the hash go whether or not the upload gets as far as
  // its commit (an invalid one never asks: hence the handler that keeps its failure quiet).
  const digest = hash.digest().catch(() => createHash('sha256').update(inflatedWhole()).digest('hex'));
  digest.catch(() => undefined);
  const finished = parser.finish();
  const validatedWhileRead = finished && validation?.finish(finished.value, atScan.mayContainAt);
  // Records handed over and not validated after all: the whole text is parsed again, on demand.
  const parsed = recordsTaken ? undefined : finished;
  return {
    sha256: () => digest,
    byteLength,
    sentBytes: sent.length,
    mayContainEmail: atScan.mayContainAt,
    // The streamed parse gave up: the whole text, the ordinary way (for the exact error, or an unusual shape).
    parse: () => (parsed ? parsed.value : parseJson(jsonText(inflatedWhole()))),
    archive: () => archived,
    validatedWhileRead,
  };
}

/** zlib's errors about its input: the body is no gzip (damaged, cut short, another format); anything else is not the client's. */
function isZlibError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || code === 'Z_NEED_DICT';
}

/** A hash computed on this thread, for bodies too small to be worth the hand-over. */
function hashHere(): ChunkHash {
  const hash = createHash('sha256');
  let digest: Promise<string> | undefined;
  return {
    update: (chunk) => hash.update(chunk),
    digest: () => (digest ??= Promise.resolve(hash.digest('hex'))),
    discard: () => undefined,
  };
}

/**
 * SHA-256 (hex) of the bytes of `chunks` in order, at most one inflate chunk's worth per turn of
 * the event loop, starting with a turn: the requests already set off (the archive's completion)
 * go out and are answered meanwhile. Each chunk is let go once hashed.
 */
async function sha256InTurns(chunks: Buffer[]): Promise<string> {
  const hash = createHash('sha256');
  for (const [i, chunk] of chunks.entries()) {
    chunks[i] = EMPTY;
    for (let at = 0; at < chunk.length || at === 0; at += INFLATE_CHUNK) {
      await new Promise((resolve) => setImmediate(resolve));
      hash.update(chunk.subarray(at, at + INFLATE_CHUNK));
    }
  }
  return hash.digest('hex');
}
const EMPTY = Buffer.alloc(0);

/**
 * Gzip bodies of this size and up are hashed off this thread, while it parses: the archive (the
 * body as sent) on the thread pool, the inflated content on the hashing worker. Below, the
 * hand-over would cost more than the hash.
 */
const HASH_OFF_THREAD_MIN_BYTES = 256 * 1024;

/** The bytes to archive with their SHA-256: a large archive's computed on the thread pool (WebCrypto's digest). */
async function archiveBytes(gzip: Buffer): Promise<ArchiveBytes> {
  if (gzip.length < HASH_OFF_THREAD_MIN_BYTES) return { gzip, sha256: createHash('sha256').update(gzip).digest('hex') };
  const digest = await webcrypto.subtle.digest('SHA-256', gzip);
  return { gzip, sha256: Buffer.from(digest).toString('hex') };
}
