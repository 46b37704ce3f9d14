/**
 * The anonymized-identifier rule [A] of DESIGN.md §1, apart from the record schemas
 * (./fields.ts) so that the issue mapping of request validation (../zodIssues.ts) loads no
 * classic zod.
 */

/** An anonymized identifier [A]: an opaque token. Anything else there is treated as personal data. */
export const OPAQUE_TOKEN = /^[A-Za-z0-9_-]{8,128}$/;

/** The message of an anonymized-identifier mismatch: such issues are reported as `pii_detected`. */
export const OPAQUE_TOKEN_MESSAGE = 'must be an anonymized identifier (8-128 of A-Z a-z 0-9 _ -)';
