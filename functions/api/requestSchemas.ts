/**
 * Request schemas that exist only for the API description: the upload envelope with the
 * records of each query type (the service validates the envelope and then each record, see
 * validateUpload.ts). The query parameters of the report routes are in reportQueries.ts.
 */
import * as z from 'zod';
import { extend } from 'zod/mini';
import { querySpecs, type QueryType } from '../domain/queries/index.js';
import { MAX_RECORDS, uploadEnvelope } from '../domain/validateUpload.js';

/** The upload body of each query type: the envelope with that type's records. */
export const uploadBodies = Object.fromEntries(
  querySpecs.map((spec) => [spec.queryType, extend(uploadEnvelope, { records: z.array(spec.record()).max(MAX_RECORDS) })]),
) as unknown as Record<QueryType, z.ZodType>;

/** Any upload body; the query type in the path says which one applies. */
export const anyUploadBody = z.union(Object.values(uploadBodies) as [z.ZodType, ...z.ZodType[]]).meta({
  description: 'The upload envelope (DESIGN.md §2) whose records are those of the query type named in the path: `POST /v1/uploads/devices` takes a DevicesUpload, and so on.',
});

