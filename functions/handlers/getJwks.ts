/**
 * GET /.well-known/jwks.json (no authentication): the public keys that signed license files
 * not yet expired, the key used last first (DESIGN.md §9). Read from the table, where each key
 * is published before a file it signs is stored; this function has no access to KMS.
 */
import { publicHandler } from '../http/publicHandler.js';
import { jsonResponse } from '../http/response.js';
import { publishedSigningKeys } from '../store/licenseFiles.js';

/**
 * Stored, but asked again before each use: a key is published just before the first file it
 * signs, so any set kept for a while (by a proxy or CDN in front of the API) could lack the key
 * of a file issued meanwhile, and a verifier would refuse a valid file for its unknown kid.
 */
const CACHE_CONTROL = 'public, no-cache';

export const handler = publicHandler(async ({ now, clients }) => jsonResponse(200, { keys: await publishedSigningKeys(clients, now) }, { 'cache-control': CACHE_CONTROL }));
