/** The body of POST /v1/upload-sessions (DESIGN.md §3). */
import * as z from 'zod/mini';
import '../domain/schemas/requestLocale.js';

export const uploadSessionRequest = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('query'),
    queryType: z.string().check(z.minLength(1), z.maxLength(64)),
    contentLength: z.int().check(z.gte(1)),
    contentEncoding: z.optional(z.enum(['gzip', 'identity'])),
  }),
  z.strictObject({
    kind: z.literal('bundle'),
    contentLength: z.int().check(z.gte(1)),
  }),
]);

export type UploadSessionRequest = z.infer<typeof uploadSessionRequest>;
export type UploadKind = UploadSessionRequest['kind'];
