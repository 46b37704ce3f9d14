/**
 * CSV export of report rows, with the staff CLI's cell rule (functions/cli/tables.ts): RFC 4180
 * quoting, and spreadsheet-safe — a text cell starting with `=`, `+`, `-`, `@` (or a tab or
 * carriage return) is prefixed with `'` so that no spreadsheet reads it as a formula. One rule
 * for both exports, so a report saved from the console and from the CLI reads the same.
 */
import { csvCell } from '../../functions/cli/tables.js';

export { csvCell };

export type Cell = string | number | boolean | null | undefined;

/** The whole file: a header row, then one row per record, CRLF line ends. */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
