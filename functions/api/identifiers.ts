/** Identifier schemas of the HTTP API (DESIGN.md §3), shared by its path parameters and bodies. */
import * as z from 'zod';
import { queryTypes, type QueryType } from '../domain/queries/index.js';

export const queryTypeName = z.enum(queryTypes as [QueryType, ...QueryType[]]);

/** Upload ids are UUIDs (docs/decisions.md), so they never collide with query type names. */
export const uploadId = z.uuid();

export const installId = z.uuid();

export const licenseFileId = z.uuid();

export const apiKey = z.string().regex(/^mpa[is]_[A-Za-z0-9_-]{43}$/).meta({
  description: 'An API key: `mpai_` (install) or `mpas_` (staff) and 256 random bits in base64url. Shown once; only its hash is stored.',
});

/** SHA-256 in lowercase hex. */
export const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
