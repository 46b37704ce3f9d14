/**
 * The forms of the identifiers that name things in paths and bodies, as plain regular
 * expressions: the request schemas (zod) and the HTTP wrapper's parameter check
 * (http/parameterBounds.ts, which loads no zod) share them.
 */

/** A customer id: 1-128 of A-Z a-z 0-9 . _ : - */
export const CUSTOMER_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A UUID (install and upload ids), any version, either case. */
export const UUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
