/**
 * Where a record can hold personal data in the sense of rule [A] (DESIGN.md §1): its
 * anonymized-identifier fields, read from the record schema itself. Once an upload's problem
 * lists 100 issues, only this still matters for each further invalid record (it decides
 * `pii_detected` over `validation_failed`); asking zod for it cost about 8 µs a record, so
 * a 3 KB gzip body of a million `{}` records held a CPU for 8 seconds.
 */
import type * as z from 'zod/mini';
import { OPAQUE_TOKEN } from './opaqueToken.js';

/** Answers whether a record has an anonymized-identifier field holding a string that is no opaque token. */
export type MalformedTokenCheck = (record: unknown) => boolean;

/** Whether `schema` is a string checked against the token pattern (opaqueToken, or a copy of it). */
function isTokenString(schema: z.core.$ZodType): boolean {
  const { def } = schema._zod;
  return def.type === 'string' && (def.checks ?? []).some((check) => (check._zod.def as { pattern?: unknown }).pattern === OPAQUE_TOKEN);
}

/** Whether the token pattern is anywhere in `schema` (behind any wrapper). */
function mentionsToken(schema: z.core.$ZodType): boolean {
  const inner = (schema._zod.def as { innerType?: z.core.$ZodType }).innerType;
  return isTokenString(schema) || (inner !== undefined && mentionsToken(inner));
}

/**
 * Whether a field of this schema holds an anonymized identifier in a shape the check knows: the
 * token string, or it or null. Throws for any other shape around the token (optional, a default,
 * a nested nullable...), so that a new record schema cannot leave the check silently blind.
 */
function holdsToken(name: string, schema: z.core.$ZodType): boolean {
  if (isTokenString(schema)) return true;
  const { def } = schema._zod;
  if (def.type === 'nullable' && isTokenString((def as z.core.$ZodNullableDef).innerType)) return true;
  if (mentionsToken(schema)) throw new Error(`The field ${name} holds an anonymized identifier in a shape functions/domain/schemas/anonymizedFields.ts does not know.`);
  return false;
}

/**
 * The names of `record`'s fields that hold an anonymized identifier (`opaqueToken`, or it or
 * null). Record schemas are flat objects; any other schema has none.
 */
export function anonymizedFieldsOf(record: z.core.$ZodType): string[] {
  const { def } = record._zod;
  if (def.type !== 'object') return [];
  const { shape } = def as z.core.$ZodObjectDef;
  return Object.keys(shape).filter((name) => holdsToken(name, shape[name] as z.core.$ZodType));
}

/**
 * The check, for `record`'s schema, that gives the same answer as asking whether zod reports
 * an anonymized-identifier issue for a value: zod reports one exactly when the value is a
 * (non-array) object and such a field holds a string that fails the token pattern.
 */
export function malformedTokenCheckOf(record: z.core.$ZodType): MalformedTokenCheck {
  const fields = anonymizedFieldsOf(record);
  return (value) => {
    if (fields.length === 0 || typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    for (const field of fields) {
      const token = (value as Record<string, unknown>)[field];
      if (typeof token === 'string' && !OPAQUE_TOKEN.test(token)) return true;
    }
    return false;
  };
}
