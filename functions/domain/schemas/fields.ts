/**
 * Field schemas shared by the record schemas of DESIGN.md §1.
 * Every record schema is built from these, so each rule is written once.
 *
 * The record schemas are zod/mini (as the request schemas, see ./requestLocale.ts): the same
 * checks, messages and JSON Schema as classic zod, without loading classic zod in the upload
 * functions. Each classic method is written as the zod/mini function it stands for.
 */
import * as z from 'zod/mini';
import './requestLocale.js';
import { OPAQUE_TOKEN, OPAQUE_TOKEN_MESSAGE } from './opaqueToken.js';

/**
 * Classic zod's `schema.meta(metadata)` for any zod schema: a copy of `schema` (which stays its
 * parent, for JSON Schema) with the metadata in the global registry; `schema` itself is untouched.
 */
export function withMeta<T extends z.core.$ZodType>(schema: T, metadata: z.core.GlobalMeta): T {
  const copy = z.clone(schema);
  z.globalRegistry.add(copy, metadata);
  return copy;
}

export const opaqueToken = withMeta(z.string().check(z.regex(OPAQUE_TOKEN, OPAQUE_TOKEN_MESSAGE)), {
  description: 'Anonymized identifier: an opaque token such as a hash, UUID or base64url value.',
});

export const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

export const count = z.int().check(z.gte(0));

/** A calendar date `YYYY-MM-DD`. */
export const isoDate = z.iso.date();

/** An RFC 3339 datetime with `Z` or an offset. */
export const isoDateTime = z.iso.datetime({ offset: true });

/** A number in [min, max], finite. */
export const range = (min: number, max: number) => z.number().check(z.gte(min), z.lte(max));

export const deviceId = text(128);
export const deviceType = text(64);
