/**
 * Receipts, problems and bundle results as readable text. Every value from the service goes
 * through shown() (terminalText.ts): its control characters escaped, never sent to the terminal.
 */
import type { Problem } from '../domain/problems.js';
import type { Receipt } from '../domain/receipts.js';
import type { BundleOutcome } from '../services/bundles.js';
import { shown } from './terminalText.js';

const SHOWN_ERRORS = 10;

export function formatProblem(problem: Problem, indent = ''): string {
  const lines = [`${indent}${shown(problem.status)} ${shown(problem.code)}: ${shown(problem.detail)}`];
  for (const issue of (problem.errors ?? []).slice(0, SHOWN_ERRORS)) lines.push(`${indent}  ${shown(issue.path || '(body)')}: ${shown(issue.message)}`);
  const more = (problem.errors?.length ?? 0) - SHOWN_ERRORS;
  if (more > 0) lines.push(`${indent}  … and ${more} more`);
  return lines.join('\n');
}

export const records = (n: number) => `${n} record${n === 1 ? '' : 's'}`;

export function formatReceipt(receipt: Receipt): string {
  return [
    `${receipt.duplicate ? 'duplicate' : 'accepted'} ${shown(receipt.queryType)}: ${records(receipt.recordCount)} collected at ${shown(receipt.collectedAt)}`,
    `  upload ${shown(receipt.uploadId)}  install ${shown(receipt.installId)}`,
    `  sha256 ${shown(receipt.sha256)}`,
  ].join('\n');
}

export function formatBundle(outcome: BundleOutcome): string {
  const width = Math.max(...outcome.results.map((r) => shown(r.queryType).length), 10);
  const lines = [`bundle ${shown(outcome.bundleId)}`, `install ${shown(outcome.installId)}`];
  // Keyed by a status the service sent: a Map, whatever it is.
  const counts = new Map<string, number>();
  for (const result of outcome.results) {
    counts.set(result.status, (counts.get(result.status) ?? 0) + 1);
    const head = `  ${shown(result.status).padEnd(9)}  ${shown(result.queryType).padEnd(width)}`;
    if (result.receipt) lines.push(`${head}  ${records(result.receipt.recordCount).padEnd(16)} upload ${shown(result.receipt.uploadId)}`);
    else if (result.problem) lines.push(`${head}  ${formatProblem(result.problem, ' '.repeat(width + 15)).trimStart()}`);
  }
  const count = (status: string) => counts.get(status) ?? 0;
  lines.push(`${outcome.results.length} files: ${count('accepted')} accepted, ${count('duplicate')} duplicate, ${count('rejected')} rejected`);
  return lines.join('\n');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Rows as an aligned text table; numbers right-aligned, null shown as '-', control characters escaped. */
export function formatTable(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  if (rows.length === 0) return '(none)';
  const cell = (value: unknown) => (value === null || value === undefined ? '-' : shown(typeof value === 'object' ? JSON.stringify(value) : String(value)));
  const cells = rows.map((row) => columns.map((column) => cell(row[column])));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const numeric = columns.map((column) => rows.every((row) => typeof row[column] === 'number' || row[column] === null));
  const line = (values: readonly string[]) =>
    values.map((value, i) => (numeric[i] ? value.padStart(widths[i] ?? 0) : value.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
