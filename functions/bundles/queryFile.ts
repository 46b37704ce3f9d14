/**
 * One query file of a bundle as the records of an upload: a `.json` file is a JSON array of
 * records; a `.csv` file is RFC 4180 with a header row of field names, read by ./csv.ts and
 * each cell typed by the query type's record schema:
 *
 * - an empty cell is null;
 * - in a field that accepts strings the cell stays a string, even when it looks like a
 *   number (an arid such as "12345");
 * - otherwise `true`/`false` (any letter case) become booleans in boolean fields, and
 *   decimal numbers (`-12`, `3.75`) become numbers in number fields;
 * - anything else stays a string, so validation reports it exactly as for a JSON upload.
 *
 * The field types come from the zod schema itself (through its JSON Schema, derived at build
 * time: domain/schemas/recordJsonSchemas.ts), so a new query type needs no column list here.
 */
import { defined } from '../domain/defined.js';
import { type CsvErrorKind, csvRows, CsvSyntaxError } from './csv.js';
import { ProblemError } from '../domain/problems.js';
import type { QueryType } from '../domain/queries/index.js';
import { recordSchemas } from '../domain/queries/recordSchemas.generated.js';
import type { JsonType } from '../domain/schemas/recordJsonSchemas.js';
import { jsonText } from '../domain/uploadBody.js';
import { parseJson } from '../domain/parseJson.js';
import { StreamedJsonParser } from '../domain/streamedJson.js';
import { MAX_RECORDS } from '../domain/validateUpload.js';
import type { FileFormat } from './manifest.js';

type FieldTypes = ReadonlyMap<string, ReadonlySet<JsonType>>;

const fieldTypesCache = new Map<QueryType, FieldTypes>();

/** Each record field and the JSON types it accepts, from the record schema (as derived at build time). */
export function fieldTypesOf(queryType: QueryType): FieldTypes {
  let types = fieldTypesCache.get(queryType);
  if (!types) {
    types = new Map(Object.entries(recordSchemas[queryType].fieldTypes).map(([field, accepted]) => [field, new Set(accepted)]));
    fieldTypesCache.set(queryType, types);
  }
  return types;
}

const DECIMAL = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;

export function typedCell(cell: string, accepts: ReadonlySet<JsonType> | undefined): unknown {
  if (cell === '') return null;
  if (!accepts || accepts.has('string')) return cell;
  if (accepts.has('boolean')) {
    const lower = cell.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  // `+ 0` makes "-0" a 0, as the envelope's JSON bytes say (the records are not parsed again from them).
  if ((accepts.has('number') || accepts.has('integer')) && DECIMAL.test(cell)) return Number(cell) + 0;
  return cell;
}

/** A CSV record may be at most this long (a device record is ~200 characters). */
const MAX_CSV_RECORD_CHARS = 64 * 1024;

function csvProblem(index: number, message: string): ProblemError {
  return new ProblemError('validation_failed', 'The CSV file cannot be read as records.', [{ path: index < 0 ? 'records' : `records[${index}]`, message }]);
}

/** What is wrong with a record, in words that never quote its data. */
const csvMessages: Record<CsvErrorKind, string> = {
  'inconsistent-fields': 'has a different number of fields than the header row',
  'quote-not-closed': 'has a quoted field that is never closed',
  'record-too-long': `is longer than ${MAX_CSV_RECORD_CHARS} characters (its fields and the commas between them)`,
  'invalid-opening-quote': 'has a quote inside a field that does not start with one',
  'invalid-closing-quote': 'has a quoted field followed by more than a comma or a line break',
  'invalid-encoding': 'is not valid UTF-8 (or UTF-16 after its byte-order mark)',
};

/**
 * The records of a CSV file, in batches as they are read (one per chunk of rows); a problem
 * where the file is not CSV or holds more than MAX_RECORDS records.
 */
export async function* csvRecordBatches(chunks: AsyncIterable<Buffer>, queryType: QueryType): AsyncGenerator<Record<string, unknown>[]> {
  const fieldTypes = fieldTypesOf(queryType);
  let count = 0;
  let header: { name: string; accepts: ReadonlySet<JsonType> | undefined }[] | undefined;
  try {
    for await (const rows of csvRows(chunks, MAX_CSV_RECORD_CHARS)) {
      const records: Record<string, unknown>[] = [];
      for (const row of rows) {
        if (!header) {
          header = checkedHeader(row).map((name) => ({ name, accepts: fieldTypes.get(name) }));
          continue;
        }
        if (count >= MAX_RECORDS) throw csvProblem(-1, `holds more than ${MAX_RECORDS} records`);
        count++;
        const record: Record<string, unknown> = {};
        header.forEach((column, i) => {
          // Rows have the header's number of fields (csvRows refuses others).
          const cell = defined(row[i], 'a CSV field');
          // Own properties as JSON.parse makes them: a `__proto__` column is an unknown field,
          // refused as in a JSON file, not an assignment to the record's prototype (the one
          // accessor of Object.prototype; `constructor`, `toString` … are writable data
          // properties, so assigning them makes own properties).
          if (column.name === '__proto__') Object.defineProperty(record, column.name, { value: typedCell(cell, column.accepts), enumerable: true, writable: true, configurable: true });
          else record[column.name] = typedCell(cell, column.accepts);
        });
        records.push(record);
      }
      if (records.length > 0) yield records;
    }
  } catch (error) {
    // The error's record counts the header row (record 0).
    if (error instanceof CsvSyntaxError) {
      if (error.record < 0) throw csvProblem(-1, `the CSV file ${csvMessages[error.kind]}`);
      throw error.record === 0 ? csvProblem(-1, `the CSV header row ${csvMessages[error.kind]}`) : csvProblem(error.record - 1, csvMessages[error.kind]);
    }
    throw error;
  }
  if (!header) throw csvProblem(-1, 'the CSV file has no header row of field names');
}

/** All the records of a CSV file (csvRecordBatches, collected). */
export async function csvRecords(chunks: AsyncIterable<Buffer>, queryType: QueryType): Promise<Record<string, unknown>[]> {
  const records: Record<string, unknown>[] = [];
  for await (const batch of csvRecordBatches(chunks, queryType)) for (const record of batch) records.push(record);
  return records;
}

function checkedHeader(row: string[]): string[] {
  const seen = new Set<string>();
  for (const name of row) {
    if (name === '') throw csvProblem(-1, 'the CSV header row has an empty field name');
    if (seen.has(name)) throw csvProblem(-1, `the CSV header row names ${JSON.stringify(name.slice(0, 64))} twice`);
    seen.add(name);
  }
  return row;
}

/** A `.json` file: the JSON value (an array of records, which validation checks). */
export async function jsonRecords(chunks: AsyncIterable<Buffer>): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return parseJson(jsonText(Buffer.concat(parts)));
}

/** Thrown by jsonRecordBatches where the streamed parse gives up: the file is to be read again and parsed whole. */
export class NotStreamable extends Error {}

/** The envelope the streamed parser takes, around a `.json` file's array: `{"records":` + the file + `}`. */
const ARRAY_AS_RECORDS = Buffer.from('{"records":');
const ARRAY_END = Buffer.from('}');

/**
 * Bytes parsed at a time: small enough that each batch's text is an ordinary string of V8's young
 * generation, collected with the batch's garbage (1 MiB pieces, as a gzip upload's, would be
 * external strings that outlive it until an old-space collection).
 */
const ARRAY_BATCH_BYTES = 64 * 1024;

/**
 * The records of a `.json` file in batches as they are inflated: its array parsed a batch of
 * whole records at a time by the streamed parser of gzip uploads (domain/streamedJson.ts), so
 * neither the file nor its records are ever held whole. The batches joined are exactly what one
 * JSON.parse of the file gives; where that parse gives up (another shape, bad syntax or UTF-8,
 * more than MAX_RECORDS records) it throws NotStreamable, possibly after some batches: the
 * caller then drops what it made of them and reads the file whole (`recordsOf`), which gives
 * the value or the exact problem.
 */
export async function* jsonRecordBatches(chunks: AsyncIterable<Buffer>): AsyncGenerator<unknown[]> {
  const parser = new StreamedJsonParser();
  parser.push(ARRAY_AS_RECORDS);
  let count = 0;
  const counted = (batch: unknown[]): unknown[] => {
    count += batch.length;
    if (count > MAX_RECORDS) throw new NotStreamable();
    return batch;
  };
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of chunks) {
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes < ARRAY_BATCH_BYTES) continue;
    parser.push(Buffer.concat(pending));
    pending = [];
    pendingBytes = 0;
    for (const batch of parser.takeRecords()) yield counted(batch);
  }
  parser.push(Buffer.concat([...pending, ARRAY_END]));
  const before = parser.takeRecords();
  const parsed = parser.finish();
  // The wrapper must hold the file's array alone: text after the array (`[…], "x": 1`) parses
  // into the wrapper as another key, where JSON.parse of the file itself fails.
  if (!parsed || Object.keys(parsed.value as object).length !== 1) throw new NotStreamable();
  for (const batch of before) yield counted(batch);
  const last = (parsed.value as { records: unknown[] }).records;
  if (last.length > 0) yield counted(last);
}

export function recordsOf(format: FileFormat, chunks: AsyncIterable<Buffer>, queryType: QueryType): Promise<unknown> {
  return format === 'csv' ? csvRecords(chunks, queryType) : jsonRecords(chunks);
}

export interface EnvelopeHeader {
  collectedAt: string;
  mpaVersion: string;
}

/**
 * The upload envelope of a bundle file as JSON bytes, exactly what a direct upload would
 * send, so the same records give the same snapshot (and sha256) whether they came as CSV or
 * as JSON in a bundle.
 */
export function envelopeBytes(header: EnvelopeHeader, records: unknown): Buffer {
  try {
    return Buffer.from(JSON.stringify({ schemaVersion: 1, collectedAt: header.collectedAt, mpaVersion: header.mpaVersion, records }));
  } catch (error) {
    if (error instanceof RangeError) throw new ProblemError('payload_too_large', 'The records of this file are too large to be processed as one upload.');
    throw error;
  }
}

/** Records serialized per batch, with a turn of the event loop between batches. */
const RECORDS_PER_BATCH = 10_000;

/** The envelope's head, up to and with the records' '[' (what envelopePieces yields first). */
export function envelopeHead(header: EnvelopeHeader): Buffer {
  const head = JSON.stringify({ schemaVersion: 1, collectedAt: header.collectedAt, mpaVersion: header.mpaVersion, records: [] });
  // It ends '[]}'.
  return Buffer.from(head.slice(0, -2));
}

/** The envelope's tail, after the last record. */
export const ENVELOPE_TAIL = ']}';

/** A record's JSON as JSON.stringify writes it as an array element (`null` for what it leaves out). */
export function recordJson(record: unknown): string {
  return JSON.stringify(record) ?? 'null';
}

/**
 * The bytes of envelopeBytes for a file's records, a batch of records at a time: no string or
 * buffer of the whole envelope (100 MiB of CSV is 185 MiB of JSON), and the event loop turns
 * between batches (one JSON.stringify of a million records held it for seconds: /health stalled
 * while bundles ran). Records that are not an array come as one piece.
 */
export async function* envelopePieces(header: EnvelopeHeader, records: unknown): AsyncGenerator<Buffer> {
  if (!Array.isArray(records)) {
    yield envelopeBytes(header, records);
    return;
  }
  yield envelopeHead(header);
  for (let start = 0; start < records.length; start += RECORDS_PER_BATCH) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    // As JSON.stringify writes an array: each element, `null` for what it leaves out.
    const batch = records.slice(start, start + RECORDS_PER_BATCH).map(recordJson);
    yield Buffer.from((start > 0 ? ',' : '') + batch.join(','));
  }
  yield Buffer.from(ENVELOPE_TAIL);
}
