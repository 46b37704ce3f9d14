/** Shared helpers for the unit tests of the upload validation domain (DESIGN.md §1–3). */
import { createHash } from 'node:crypto';
import { type Problem, ProblemError } from '../../functions/domain/problems.js';
import type { QueryType } from '../../functions/domain/queries/index.js';
import { type ValidateOptions, type ValidatedUpload, validateUpload } from '../../functions/domain/validateUpload.js';

/** The clock of most tests: collectedAt is exactly "now". */
export const COLLECTED_AT = '2026-11-28T02:00:00Z';
export const NOW = new Date(COLLECTED_AT);

export type Rec = Record<string, unknown>;

export function envelope(records: unknown[], overrides: Rec = {}): Rec {
  return { schemaVersion: 1, collectedAt: COLLECTED_AT, mpaVersion: '3.4.1.12', records, ...overrides };
}

export function validate(queryType: QueryType, body: unknown, options: Partial<ValidateOptions> = {}): ValidatedUpload {
  return validateUpload(queryType, body, { now: NOW, ...options });
}

/** The problem thrown by fn; fails when fn returns or throws anything else. */
export function problemOf(fn: () => unknown): Problem {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProblemError) return error.problem;
    throw error;
  }
  throw new Error('expected a ProblemError, but nothing was thrown');
}

export async function problemOfAsync(fn: () => Promise<unknown>): Promise<Problem> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof ProblemError) return error.problem;
    throw error;
  }
  throw new Error('expected a ProblemError, but nothing was thrown');
}

/** The problem of validating `records` of `queryType` in an otherwise valid envelope. */
export function recordsProblem(queryType: QueryType, records: unknown[], overrides: Rec = {}): Problem {
  return problemOf(() => validate(queryType, envelope(records, overrides)));
}

export function pathsOf(problem: Problem): string[] {
  return (problem.errors ?? []).map((e) => e.path);
}

/** A valid anonymized identifier (22 chars of base64url), distinct per parts. */
export function tok(...parts: (string | number)[]): string {
  return createHash('sha256').update(parts.join(':')).digest('base64url').slice(0, 22);
}

/** A string of n characters. */
export function str(n: number, char = 'x'): string {
  return char.repeat(n);
}

/** An ISO instant `ms` milliseconds from NOW, in UTC with milliseconds. */
export function fromNow(ms: number): string {
  return new Date(NOW.getTime() + ms).toISOString();
}

export const DAY_MS = 86_400_000;
