/**
 * Tables for people and CSV for spreadsheets, from one list of columns: each column has a
 * human header and says how to read its cell from a row. CSV cells are RFC 4180-quoted and a
 * cell that a spreadsheet would run as a formula (starting with = + - @, tab or CR) is
 * prefixed with `'` (OWASP's CSV injection advice), so an exported report is safe to open.
 * What a terminal would act on (control and bidi characters) is shown escaped: terminalText.ts.
 */
import { shown } from './terminalText.js';

export interface Column<T> {
  header: string;
  /** The cell's value: numbers are right-aligned, null and undefined shown as '-' (empty in CSV). */
  value: (row: T) => unknown;
}

/** Shorthand: a column reading one field. */
export function field<T>(header: string, key: keyof T & string): Column<T> {
  return { header, value: (row) => row[key] };
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Rows as an aligned text table under human headers; '(none)' when there are none. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((row) => columns.map((column) => {
    const value = column.value(row);
    return value === null || value === undefined || value === '' ? '-' : shown(text(value));
  }));
  // A column of numbers (and blanks) is right-aligned; one of blanks only is not.
  const numeric = columns.map((column) => {
    const values = rows.map((row) => column.value(row));
    return values.some((value) => typeof value === 'number') && values.every((value) => typeof value === 'number' || value === null || value === undefined);
  });
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (values: readonly string[]) => values.map((value, i) => (numeric[i] ? value.padStart(widths[i] ?? 0) : value.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: formula-like text neutralised, quoted when it holds a comma, quote or line break. */
export function csvCell(value: unknown): string {
  let cell = text(value);
  if (typeof value === 'string' && FORMULA_START.test(cell)) cell = `'${cell}`;
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** Rows as CSV (CRLF line ends, RFC 4180) with the human headers as its first row. */
export function renderCsv<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const lines = [columns.map((c) => csvCell(c.header)), ...rows.map((row) => columns.map((c) => csvCell(c.value(row))))];
  return `${lines.map((cells) => cells.join(',')).join('\r\n')}\r\n`;
}
