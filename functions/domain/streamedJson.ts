/**
 * Parsing a JSON upload while it is still being inflated: the bytes of the envelope's `records`
 * array are cut into batches of whole records as they arrive, and each batch is decoded and
 * parsed by `JSON.parse` on this thread while zlib inflates the next chunk on the thread pool.
 *
 * The result is exactly what one `JSON.parse` of the whole text gives, or nothing:
 * - A cut is made only where `}` `,` `{` follow each other (whitespace aside), which between two
 *   records is the case. A batch parses only when its text is a complete sequence of values,
 *   so a cut that fell inside a string or a nested value makes the batch fail to parse, never
 *   parse differently; such bytes wait for the next chunk. Cuts are at ASCII bytes, so a
 *   batch never splits a UTF-8 character and is decoded on its own, strictly.
 * - The envelope around the records is parsed by `JSON.parse` too, with a random sentinel where
 *   the records were, so duplicate keys, key order and everything else are JSON.parse's own;
 *   the streamed records replace the sentinel only if the sentinel survived.
 * - Whatever does not fit this shape (no `records` array near the start, a byte-order mark,
 *   bad syntax or UTF-8) makes `finish()` answer `undefined`: the caller then parses the whole
 *   text the ordinary way, which also gives the exact error message.
 *
 * The envelope's fields before `records` (collectedAt, as MPA sends it) are known as soon as
 * the records array opens: `head` holds them from then on, with an empty records array, so that
 * the caller can set off work that needs them (the archive's name) while the records are parsed.
 */
import { isAscii } from 'node:buffer';
import { randomUUID } from 'node:crypto';

/** The records array must open within this many bytes. */
const MAX_PREFIX_BYTES = 64 * 1024;
/**
 * Records are parsed in batches of about this many bytes, whatever the size of the pieces pushed:
 * each batch's text is then an ordinary string of V8's young generation, gone with the batch's
 * garbage, where 1 MiB texts were external strings held until an old-space collection (a gzip
 * upload of 100,000 devices: ~13 ms faster in the benchmark, bench/HISTORY.md).
 */
export const PARSE_BATCH_BYTES = 64 * 1024;
/** After this many batches that did not parse, the streamed parse gives up. */
const MAX_FAILED_BATCHES = 16;
/** Nor does it carry more than this many bytes without a cut (records that are not objects). */
const MAX_CARRY_BYTES = 4 * 1024 * 1024;
/** Nor try more than this many places for the end of the records array. */
const MAX_END_ATTEMPTS = 16;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const RECORDS_KEY = Buffer.from('"records"');

/** A byte-order mark is a character like any other here: only the body's start may hold one, and that is refused above. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class StreamedJsonParser {
  private state: 'envelope' | 'records' | 'failed' = 'envelope';
  /**
   * Bytes not parsed yet: the envelope so far, or the records after the last cut. Always a copy:
   * no view of a pushed chunk outlives the push, so the caller may hand the chunk on (the upload
   * path moves it to its hashing thread).
   */
  private carry: Buffer = Buffer.alloc(0);
  /** The envelope's text up to and including the records array's `[`. */
  private prefix = '';
  /** The parsed batches: joined once at the end (pushing record by record costs a fifth of the parse). */
  private batches: unknown[][] = [];
  private failedBatches = 0;
  private scratch: Buffer = Buffer.alloc(0);
  /** The envelope as it stands when its records array opens (that array empty): set once, by the push that opens it. */
  head: { value: unknown } | undefined;

  /** The next bytes of the JSON text. */
  push(chunk: Buffer): void {
    if (this.state === 'failed') return;
    if (this.state === 'envelope') {
      this.findRecords(this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]));
      return;
    }
    for (let at = 0; at < chunk.length && this.state === 'records'; at += PARSE_BATCH_BYTES) this.pushRecords(chunk.subarray(at, at + PARSE_BATCH_BYTES));
  }

  /** Records' bytes of at most PARSE_BATCH_BYTES: parsed up to their last cut, the rest carried. */
  private pushRecords(piece: Buffer): void {
    const cut = lastCut(piece);
    if (cut !== undefined && this.parseBatch(piece, cut)) return;
    if (this.carry.length + piece.length > MAX_CARRY_BYTES) return this.fail();
    this.carry = Buffer.concat([this.carry, piece]);
  }

  /**
   * The records parsed so far, in batches, handed over: `finish()` then answers the envelope with
   * only the records parsed after them. For a caller that handles records as they come; should
   * `finish()` answer undefined, what was taken is not the text's value either.
   */
  takeRecords(): unknown[][] {
    const taken = this.batches;
    this.batches = [];
    return taken;
  }

  /**
   * Stops parsing: later pushes are ignored and `finish()` answers undefined. For a caller that
   * took records and then found it must parse the whole text after all, so that the rest is
   * neither parsed nor held for nothing.
   */
  abandon(): void {
    this.fail();
  }

  /** The parsed value once all bytes were pushed, or undefined when the caller must parse the whole text. */
  finish(): { value: unknown } | undefined {
    const value = this.state === 'records' ? this.parseEnd() : undefined;
    this.fail();
    return value;
  }

  private fail(): void {
    this.state = 'failed';
    this.carry = Buffer.alloc(0);
    this.scratch = this.carry;
    this.prefix = '';
    this.batches = [];
  }

  private findRecords(bytes: Buffer): void {
    const key = bytes.indexOf(RECORDS_KEY);
    let end = key < 0 ? -1 : skipWhitespace(bytes, key + RECORDS_KEY.length);
    if (end >= 0 && bytes[end] === 0x3a) end = skipWhitespace(bytes, end + 1);
    if (key < 0 || end >= bytes.length) {
      if (bytes.length > MAX_PREFIX_BYTES) this.fail();
      else this.carry = Buffer.from(bytes);
      return;
    }
    if (bytes[end] !== OPEN_BRACKET || bytes[0] === 0xef) return this.fail();
    const prefix = decode(bytes.subarray(0, end + 1));
    // The first `"records": [` must open the top-level records array.
    const head = prefix === undefined ? undefined : parsed(`${prefix}]}`);
    if (prefix === undefined || head === undefined) return this.fail();
    this.prefix = prefix;
    this.state = 'records';
    this.head = head;
    const rest = bytes.subarray(end + 1);
    this.carry = Buffer.alloc(0);
    if (rest.length > 0) this.push(rest);
  }

  /**
   * Parses the carried bytes and the chunk up to the cut. False when they do not parse (yet):
   * then the chunk is to be carried too.
   */
  private parseBatch(chunk: Buffer, cut: Cut): boolean {
    const batch = this.parseArray(this.carry, chunk.subarray(0, cut.end));
    if (batch === undefined) {
      if (++this.failedBatches <= MAX_FAILED_BATCHES) return false;
      this.fail();
      return true;
    }
    this.batches.push(batch);
    this.carry = Buffer.from(chunk.subarray(cut.next));
    return true;
  }

  /** `[` + the bytes + `]`, decoded and parsed; undefined when that is not a JSON array. */
  private parseArray(head: Buffer, rest: Buffer): unknown[] | undefined {
    const length = head.length + rest.length + 2;
    // Batches are about one inflated chunk each: a little room over the largest so far, not double.
    if (this.scratch.length < length) this.scratch = Buffer.allocUnsafe(length + 64 * 1024);
    const bytes = this.scratch.subarray(0, length);
    bytes[0] = OPEN_BRACKET;
    head.copy(bytes, 1);
    rest.copy(bytes, 1 + head.length);
    bytes[length - 1] = CLOSE_BRACKET;
    const text = decode(bytes);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as unknown[];
    } catch {
      return undefined;
    }
  }

  /** The last records, the end of the array and the rest of the envelope. */
  private parseEnd(): { value: unknown } | undefined {
    const bytes = this.carry;
    const sentinel = randomUUID();
    let attempts = 0;
    for (let close = bytes.lastIndexOf(CLOSE_BRACKET); close >= 0 && attempts++ < MAX_END_ATTEMPTS; close = close === 0 ? -1 : bytes.lastIndexOf(CLOSE_BRACKET, close - 1)) {
      const last = this.parseArray(bytes.subarray(0, close), Buffer.alloc(0));
      if (!last) continue;
      const tail = decode(bytes.subarray(close + 1));
      if (tail === undefined) continue;
      let envelope: unknown;
      try {
        envelope = JSON.parse(`${this.prefix}"${sentinel}"]${tail}`);
      } catch {
        return undefined;
      }
      if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope) || !Object.hasOwn(envelope, 'records')) return undefined;
      const records = (envelope as { records: unknown }).records;
      if (!Array.isArray(records) || records.length !== 1 || records[0] !== sentinel) return undefined;
      this.batches.push(last);
      (envelope as { records: unknown[] }).records = ([] as unknown[]).concat(...this.batches);
      return { value: envelope };
    }
    return undefined;
  }
}

interface Cut {
  /** Just after the record's `}`. */
  end: number;
  /** Just after the `,`. */
  next: number;
}

/** The last `}` `,` `{` (whitespace aside) that lies wholly in the chunk. */
function lastCut(chunk: Buffer): Cut | undefined {
  for (let close = chunk.lastIndexOf(CLOSE_BRACE); close >= 0; close = close === 0 ? -1 : chunk.lastIndexOf(CLOSE_BRACE, close - 1)) {
    const comma = skipWhitespace(chunk, close + 1);
    if (chunk[comma] !== COMMA) continue;
    if (chunk[skipWhitespace(chunk, comma + 1)] === OPEN_BRACE) return { end: close + 1, next: comma + 1 };
  }
  return undefined;
}

function skipWhitespace(bytes: Buffer, from: number): number {
  let i = from;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return i;
}

/** Strict UTF-8; ASCII by a one-byte copy. */
function decode(bytes: Buffer): string | undefined {
  if (isAscii(bytes)) return bytes.toString('latin1');
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function parsed(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}
