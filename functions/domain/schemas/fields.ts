/**
 * Field schemas shared by the record schemas of DESIGN.md §1.
 * Every record schema is built from these, so each rule is written once.
 */
import * as z from 'zod';
import { OPAQUE_TOKEN, OPAQUE_TOKEN_MESSAGE } from './opaqueToken.js';

export { OPAQUE_TOKEN, OPAQUE_TOKEN_MESSAGE } from './opaqueToken.js';

export const opaqueToken = z
  .string()
  .regex(OPAQUE_TOKEN, OPAQUE_TOKEN_MESSAGE)
  .meta({ description: 'Anonymized identifier: an opaque token such as a hash, UUID or base64url value.' });

export const text = (max: number) => z.string().min(1).max(max);

export const count = z.int().min(0);

/** A calendar date `YYYY-MM-DD`. */
export const isoDate = z.iso.date();

/** An RFC 3339 datetime with `Z` or an offset. */
export const isoDateTime = z.iso.datetime({ offset: true });

/** A number in [min, max], finite. */
export const range = (min: number, max: number) => z.number().min(min).max(max);

export const deviceId = text(128);
export const deviceType = text(64);
