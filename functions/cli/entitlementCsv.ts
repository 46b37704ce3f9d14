/**
 * The entitlement import file of `entitlements import` (docs/cli.md): RFC 4180 CSV with exactly
 * the header `customerId,entitlementId,item,quantity,termStart,termEnd,graceDays,installId,contractRef`.
 * Each row is checked on its own, with the service's own schemas, and reported with the line it
 * starts on, so one bad row never stops (nor partly writes) the good ones.
 */
import { safeParse } from 'zod/mini';
import { defined } from '../domain/defined.js';
import { entitlementId, entitlementRequest, type EntitlementRequest } from '../domain/entitlements.js';
import { customerId } from '../domain/installs.js';
import { problemIssuesOf } from '../domain/zodIssues.js';

export const IMPORT_HEADER = ['customerId', 'entitlementId', 'item', 'quantity', 'termStart', 'termEnd', 'graceDays', 'installId', 'contractRef'] as const;

/** Entitlements per file: an import is a contract list, not a data dump. */
const MAX_IMPORT_ROWS = 10_000;

export interface CsvRecord {
  /** The 1-based line the record starts on. */
  line: number;
  fields: string[];
}

export type ImportRow =
  | { line: number; ok: true; customerId: string; entitlementId: string; body: EntitlementRequest }
  | { line: number; ok: false; customerId?: string; entitlementId?: string; errors: { path: string; message: string }[] };

/** Splits CSV text into records with their line numbers; empty lines are skipped. Throws on an unclosed quote. */
export function csvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let line = 1;
  let start = 1;
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '' && !fieldStarted)) records.push({ line: start, fields });
    fields = [];
    field = '';
    fieldStarted = false;
  };
  const source = text.startsWith('\ufeff') ? text.slice(1) : text;
  for (let i = 0; i < source.length; i++) {
    const c = source.charAt(i);
    if (quoted) {
      if (c === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
      fieldStarted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      fieldStarted = true;
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && source[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else field += c;
  }
  if (quoted) throw new Error(`line ${start}: a quoted field is not closed`);
  if (field !== '' || fields.length > 0 || fieldStarted) endRecord();
  return records;
}

const integer = /^-?[0-9]+$/;

/** One row as the PUT body: an empty cell is absent (termEnd: null, perpetual); whole numbers as numbers. */
function bodyOf(cells: ReadonlyMap<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = Object.create(null);
  for (const name of ['item', 'quantity', 'termStart', 'termEnd', 'graceDays', 'installId', 'contractRef'] as const) {
    const cell = cells.get(name) ?? '';
    if (cell === '') {
      if (name === 'termEnd') body[name] = null;
      continue;
    }
    body[name] = (name === 'quantity' || name === 'graceDays') && integer.test(cell) ? Number(cell) : cell;
  }
  return { ...body };
}

/** Reads the import file: the header must be exactly IMPORT_HEADER; each row checked on its own. */
export function readImport(text: string): ImportRow[] {
  const records = csvRecords(text);
  const header = records[0];
  if (!header || header.fields.join(',') !== IMPORT_HEADER.join(',')) {
    throw new Error(`line 1: the header must be exactly ${IMPORT_HEADER.join(',')}`);
  }
  if (records.length - 1 > MAX_IMPORT_ROWS) throw new Error(`the file holds ${records.length - 1} rows; at most ${MAX_IMPORT_ROWS} are imported at once`);
  const seen = new Map<string, number>();
  return records.slice(1).map(({ line, fields }): ImportRow => {
    if (fields.length !== IMPORT_HEADER.length) {
      return { line, ok: false, errors: [{ path: '', message: `has ${fields.length} fields; the header has ${IMPORT_HEADER.length}` }] };
    }
    const cells = new Map(IMPORT_HEADER.map((name, i) => [name, defined(fields[i], `field ${name}`)] as const));
    const errors: { path: string; message: string }[] = [];
    const customer = safeParse(customerId, cells.get('customerId'));
    if (!customer.success) errors.push({ path: 'customerId', message: customer.error.issues[0]?.message ?? 'is not valid' });
    const id = safeParse(entitlementId, cells.get('entitlementId'));
    if (!id.success) errors.push({ path: 'entitlementId', message: id.error.issues[0]?.message ?? 'is not valid' });
    const body = safeParse(entitlementRequest, bodyOf(cells));
    if (!body.success) errors.push(...[...problemIssuesOf(body.error, '')].map(({ path, message }) => ({ path, message })));
    const names = { ...(customer.success ? { customerId: customer.data } : {}), ...(id.success ? { entitlementId: id.data } : {}) };
    if (customer.success && id.success) {
      const key = `${customer.data}\u0000${id.data}`;
      const first = seen.get(key);
      if (first !== undefined) errors.push({ path: 'entitlementId', message: `is already given on line ${first}` });
      else seen.set(key, line);
    }
    if (errors.length > 0 || !body.success || !customer.success || !id.success) return { line, ok: false, ...names, errors };
    return { line, ok: true, customerId: customer.data, entitlementId: id.data, body: body.data };
  });
}
