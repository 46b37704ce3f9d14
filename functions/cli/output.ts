/** Receipts, problems and bundle results as readable text. */
import type { Problem } from '../domain/problems.js';
import type { Receipt } from '../domain/receipts.js';
import type { BundleOutcome } from '../services/bundles.js';

const SHOWN_ERRORS = 10;

export function formatProblem(problem: Problem, indent = ''): string {
  const lines = [`${indent}${problem.status} ${problem.code}: ${problem.detail}`];
  for (const issue of (problem.errors ?? []).slice(0, SHOWN_ERRORS)) lines.push(`${indent}  ${issue.path || '(body)'}: ${issue.message}`);
  const more = (problem.errors?.length ?? 0) - SHOWN_ERRORS;
  if (more > 0) lines.push(`${indent}  … and ${more} more`);
  return lines.join('\n');
}

export const records = (n: number) => `${n} record${n === 1 ? '' : 's'}`;

export function formatReceipt(receipt: Receipt): string {
  return [
    `${receipt.duplicate ? 'duplicate' : 'accepted'} ${receipt.queryType}: ${records(receipt.recordCount)} collected at ${receipt.collectedAt}`,
    `  upload ${receipt.uploadId}  install ${receipt.installId}`,
    `  sha256 ${receipt.sha256}`,
  ].join('\n');
}

export function formatBundle(outcome: BundleOutcome): string {
  const width = Math.max(...outcome.results.map((r) => r.queryType.length), 10);
  const lines = [`bundle ${outcome.bundleId}`, `install ${outcome.installId}`];
  const counts: Record<string, number> = { accepted: 0, duplicate: 0, rejected: 0 };
  for (const result of outcome.results) {
    counts[result.status] = (counts[result.status] ?? 0) + 1;
    const head = `  ${result.status.padEnd(9)}  ${result.queryType.padEnd(width)}`;
    if (result.receipt) lines.push(`${head}  ${records(result.receipt.recordCount).padEnd(16)} upload ${result.receipt.uploadId}`);
    else if (result.problem) lines.push(`${head}  ${formatProblem(result.problem, ' '.repeat(width + 15)).trimStart()}`);
  }
  lines.push(`${outcome.results.length} files: ${counts.accepted} accepted, ${counts.duplicate} duplicate, ${counts.rejected} rejected`);
  return lines.join('\n');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Rows as an aligned text table; numbers right-aligned, null shown as '-'. */
export function formatTable(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  if (rows.length === 0) return '(none)';
  const cell = (value: unknown) => printable(value === null || value === undefined ? '-' : typeof value === 'object' ? JSON.stringify(value) : String(value));
  const cells = rows.map((row) => columns.map((column) => cell(row[column])));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((r) => r[i]!.length)));
  const numeric = columns.map((column) => rows.every((row) => typeof row[column] === 'number' || row[column] === null));
  const line = (values: readonly string[]) =>
    values.map((value, i) => (numeric[i] ? value.padStart(widths[i]!) : value.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** C0, DEL, C1 and bidirectional controls: a terminal would act on them. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text that came from installs (item names, device types) with its control characters written
 * as `\\uXXXX`, so printing it cannot move the cursor, recolour or reorder the terminal.
 */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
