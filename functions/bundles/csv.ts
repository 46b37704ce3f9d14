/**
 * CSV as offline bundles carry it (DESIGN.md §5, RFC 4180): records of comma-separated fields,
 * a field in double quotes when it holds a comma, a quote (doubled) or a line break. Read from
 * chunks as they arrive, never as one string: UTF-8, or UTF-16LE when the file starts with its
 * byte-order mark.
 *
 * It reads as csv-parse did here with `{ bom: true, skip_empty_lines: true }` (the property test
 * test/property/csv.property.test.ts compares the two): a leading byte-order mark is dropped; the
 * first line break outside quotes (CRLF, LF or CR) is the record delimiter for the rest of the
 * file, and other line-break characters are field text; empty lines are skipped (a line holding
 * only `""` is a record of one empty field); a quote opens a quoted field only at the field's
 * start, and a closing quote must be followed by a comma, the record delimiter or the end; every
 * record has as many fields as the first. Two differences: a record may hold at most
 * `maxRecordChars` characters of field text and separators (csv-parse counted bytes of field
 * text only); and a NUL character right after a closing quote is refused, where csv-parse took it
 * for the end of the data. Its own code instead of csv-parse's 32 KiB keeps the functions that
 * read bundles smaller to load (bench/README.md, initRatio).
 */

export type CsvErrorKind = 'quote-not-closed' | 'invalid-opening-quote' | 'invalid-closing-quote' | 'record-too-long' | 'inconsistent-fields' | 'invalid-encoding';

/** Where the text is not CSV; `record` is the 0-based index of the record it is in (the first is the header row), -1 for the whole file. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly kind: CsvErrorKind,
    readonly record: number,
  ) {
    super(`CSV ${kind} in record ${record}`);
  }
}

const QUOTE = 34; // "
const COMMA = 44; // ,
const CR = 13;
const LF = 10;

class CsvReader {
  private delimiter = '';
  private field = '';
  private row: string[] = [];
  private quoting = false;
  private wasQuoted = false;
  private recordChars = 0;
  private records = 0;
  private expectedFields = -1;
  private out: string[][] = [];
  /** The end of the last text, kept back until the next shows what it means (a quote or a CR). */
  private pending = '';

  constructor(private readonly maxRecordChars: number) {}

  /** The rows completed by `text`, the next piece of the file; at its `end`, the last one too. */
  read(next: string, end: boolean): string[][] {
    this.out = [];
    const text = this.pending + next;
    this.pending = '';
    const n = text.length;
    let i = 0;
    while (i < n) {
      if (this.quoting) {
        const close = text.indexOf('"', i);
        if (close < 0) {
          this.add(text.slice(i));
          i = n;
          break;
        }
        this.add(text.slice(i, close));
        if (!end && this.undecided(text, close + 1)) {
          // Whether this quote is doubled, or what follows it, is in the next piece.
          this.pending = text.slice(close);
          i = n;
          break;
        }
        if (text.charCodeAt(close + 1) === QUOTE) {
          this.add('"');
          i = close + 2;
          continue;
        }
        const after = close + 1;
        if (after < n && text.charCodeAt(after) !== COMMA && this.delimiterAt(text, after) === 0) throw this.error('invalid-closing-quote');
        this.quoting = false;
        this.wasQuoted = true;
        i = after;
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        if (this.field.length !== 0) throw this.error('invalid-opening-quote');
        this.quoting = true;
        i++;
        continue;
      }
      if (c === COMMA) {
        this.endField();
        i++;
        continue;
      }
      if (!end && c === CR && this.undecided(text, i)) {
        this.pending = text.slice(i);
        break;
      }
      const delimiter = this.delimiterAt(text, i);
      if (delimiter !== 0) {
        if (this.delimiter === '') this.delimiter = text.slice(i, i + delimiter);
        this.endRecord();
        i += delimiter;
        continue;
      }
      // Plain field text up to the next character that means something.
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === COMMA || d === QUOTE || d === CR || d === LF) break;
        j++;
      }
      this.add(text.slice(i, j));
      i = j;
    }
    if (end) {
      if (this.quoting) throw this.error('quote-not-closed');
      if (this.wasQuoted || this.row.length !== 0 || this.field.length !== 0) this.endRecord();
    }
    return this.out;
  }

  /** Whether what `text` holds from `i` on is too little to tell a doubled quote, or a CR from a CRLF. */
  private undecided(text: string, i: number): boolean {
    if (i >= text.length) return true;
    const crMayStartCrlf = this.delimiter === '' || this.delimiter === '\r\n';
    return crMayStartCrlf && i === text.length - 1 && text.charCodeAt(i) === CR;
  }

  /** The length of the record delimiter at `i` (the first line break found makes it), or 0. */
  private delimiterAt(text: string, i: number): number {
    const c = text.charCodeAt(i);
    if (c !== CR && c !== LF) return 0;
    const crlf = c === CR && text.charCodeAt(i + 1) === LF;
    if (this.delimiter === '') return crlf ? 2 : 1;
    if (this.delimiter === '\r\n') return crlf ? 2 : 0;
    return this.delimiter.charCodeAt(0) === c ? 1 : 0;
  }

  private add(text: string): void {
    this.field += text;
    if (this.recordChars + this.field.length > this.maxRecordChars) throw this.error('record-too-long');
  }

  private endField(): void {
    this.row.push(this.field);
    // With the comma after it (the last field's is the line break, not counted): a row of
    // nothing but commas is bounded as well.
    this.recordChars += this.field.length + 1;
    if (this.recordChars - 1 > this.maxRecordChars) throw this.error('record-too-long');
    this.field = '';
    this.wasQuoted = false;
  }

  private endRecord(): void {
    if (!this.wasQuoted && this.row.length === 0 && this.field.length === 0) return;
    this.endField();
    if (this.expectedFields < 0) this.expectedFields = this.row.length;
    if (this.row.length !== this.expectedFields) throw this.error('inconsistent-fields');
    this.out.push(this.row);
    this.records++;
    this.row = [];
    this.recordChars = 0;
  }

  private error(kind: CsvErrorKind): CsvSyntaxError {
    return new CsvSyntaxError(kind, this.records);
  }
}

const UTF16LE_BOM = [0xff, 0xfe];

/**
 * The rows of a CSV file, in batches (one per chunk read), the header row first; a
 * CsvSyntaxError where it is not CSV. A record longer than `maxRecordChars` characters is an error.
 */
export async function* csvRows(chunks: AsyncIterable<Buffer>, maxRecordChars: number): AsyncGenerator<string[][]> {
  const reader = new CsvReader(maxRecordChars);
  // The encoding is known from the first two bytes; the byte-order mark is dropped here, not by
  // the decoder (Node's drops two where the first is cut between chunks).
  let decoder: InstanceType<typeof TextDecoder> | undefined;
  let head = Buffer.alloc(0);
  let start = true;
  const text = (decoded: string): string => {
    if (!start || decoded === '') return decoded;
    start = false;
    return decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
  };
  const decode = (bytes: Buffer, end: boolean): string => {
    if (!decoder) {
      head = Buffer.concat([head, bytes]);
      if (head.length < UTF16LE_BOM.length && !end) return '';
      const utf16 = head[0] === UTF16LE_BOM[0] && head[1] === UTF16LE_BOM[1];
      // fatal: bytes that are not the encoding refuse the file, as a JSON file's or a direct
      // upload's do (uploadBody.ts jsonText), rather than becoming U+FFFD in the stored records.
      decoder = new TextDecoder(utf16 ? 'utf-16le' : 'utf-8', { ignoreBOM: true, fatal: true });
      bytes = head;
    }
    try {
      return text(decoder.decode(bytes, { stream: !end }));
    } catch {
      // Of the file, not of a record: a chunk is decoded before its records are read.
      throw new CsvSyntaxError('invalid-encoding', -1);
    }
  };
  for await (const chunk of chunks) {
    const rows = reader.read(decode(chunk, false), false);
    if (rows.length > 0) yield rows;
  }
  const rows = reader.read(decode(Buffer.alloc(0), true), true);
  if (rows.length > 0) yield rows;
}
