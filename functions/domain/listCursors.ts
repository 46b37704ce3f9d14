/**
 * The opaque cursors of paged lists: base64url JSON of the key to resume after (string
 * values only). Pure, so the store (DynamoDB's LastEvaluatedKey) and HTTP (lists paged in
 * memory) share one encoding without either importing the other.
 */
import { ProblemError } from './problems.js';

/** The cursor of a resume key; null when there is none (the last page). */
export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : null;
}

/**
 * The resume key a cursor names, refused (`400` on `cursor`) unless it holds exactly
 * `allowedKeys`, each a string of at most 1,024 characters.
 */
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
