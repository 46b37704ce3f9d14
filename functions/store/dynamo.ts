/** Small helpers over DynamoDB's error shapes and pagination cursors. */
import { ProblemError } from '../domain/problems.js';

export interface CancellationReason {
  Code?: string;
  Item?: Record<string, unknown>;
}

/** The per-item reasons of a cancelled transaction, or undefined for any other error. */
export function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if ((error as { name?: string })?.name !== 'TransactionCanceledException') return undefined;
  return ((error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? []) as CancellationReason[];
}

export function isConditionFailure(error: unknown): boolean {
  return (error as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/** Opaque list cursors: base64url JSON of DynamoDB's LastEvaluatedKey (string attributes only). */
export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : null;
}

export function decodeCursor(cursor: string | undefined, allowedKeys: readonly string[]): Record<string, string> | undefined {
  if (cursor === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidCursor();
  const entries = Object.entries(value);
  if (entries.length === 0 || entries.some(([k, v]) => !allowedKeys.includes(k) || typeof v !== 'string' || v.length > 1024)) throw invalidCursor();
  // A cursor this service issued names every key of its listing; DynamoDB fails on a partial start key.
  if (allowedKeys.some((k) => !Object.hasOwn(value, k))) throw invalidCursor();
  return Object.fromEntries(entries) as Record<string, string>;
}

export const invalidCursor = (detail = 'The cursor is not one this service issued.') =>
  new ProblemError('validation_failed', detail, [{ path: 'cursor', message: 'is invalid' }]);

/**
 * Attributes as the `SET` clause of an update, `#p0 = :p0, #p1 = :p1` for prefix `p`, with the
 * names and values it uses (the prefix keeps them apart from the rest of the expression's).
 */
export function setClause(attributes: Record<string, unknown>, prefix: string): { expression: string; names: Record<string, string>; values: Record<string, unknown> } {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const assignments = Object.entries(attributes).map(([name, value], i) => {
    names[`#${prefix}${i}`] = name;
    values[`:${prefix}${i}`] = value;
    return `#${prefix}${i} = :${prefix}${i}`;
  });
  return { expression: assignments.join(', '), names, values };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
