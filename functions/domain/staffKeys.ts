/**
 * Named staff keys (DESIGN.md §11): who a staff caller is, so every staff write can name a
 * person in the audit trail. Requests and the record shape; the store keeps only hashes.
 */
import * as z from 'zod/mini';
import './schemas/requestLocale.js';

export const staffKeyName = z.string().check(z.regex(/^[A-Za-z0-9._@-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 . _ @ -'));

export const createStaffKeyRequest = z.strictObject({
  name: staffKeyName,
  note: z.optional(z.string().check(z.trim(), z.maxLength(500))),
});
export type CreateStaffKeyRequest = z.infer<typeof createStaffKeyRequest>;

/** A staff key as listed: never the key or its hash. */
export interface StaffKey {
  keyId: string;
  name: string;
  note: string | null;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
}
