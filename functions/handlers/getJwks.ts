/**
 * GET /.well-known/jwks.json (no authentication): the public keys that signed license files
 * not yet expired, the key used last first (DESIGN.md §9). Read from the table, where each key
 * is published before a file it signs is stored; this function has no access to KMS.
 */
import { publicHandler } from '../http/publicHandler.js';
import { jsonResponse } from '../http/response.js';
import { publishedSigningKeys } from '../store/licenseFiles.js';

/** Verifiers may cache the set this long; a key is published before any file it signs. */
const MAX_AGE_SECONDS = 300;

export const handler = publicHandler(async ({ now, clients }) =>
  jsonResponse(200, { keys: await publishedSigningKeys(clients, now) }, { 'cache-control': `public, max-age=${MAX_AGE_SECONDS}` }),
);
