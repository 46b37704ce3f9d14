/** Install registration input (staff) and the install record shape. */
import * as z from 'zod/mini';
import { CUSTOMER_ID } from './identifierPatterns.js';
import './schemas/requestLocale.js';

export const customerId = z
  .string()
  .check(z.regex(CUSTOMER_ID, 'must be 1-128 of A-Z a-z 0-9 . _ : -'));

/** An install's name: no control characters, so the directory's by-name order is the names' (storageKeys.ts). */
export const installName = z.string().check(z.trim(), z.minLength(1), z.maxLength(200), z.regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters'));

export const createInstallRequest = z.strictObject({
  customerId,
  name: installName,
});
export type CreateInstallRequest = z.infer<typeof createInstallRequest>;

export const usageCollectionRequest = z.strictObject({ enabled: z.boolean() });

export interface Install {
  installId: string;
  customerId: string;
  name: string;
  createdAt: string;
  lastSeenAt: string | null;
  usageCollectionEnabled: boolean;
  /** Decommissioned: its key answers 401 and it leaves the stale and expiring reports (DESIGN.md §11). */
  status: InstallStatus;
}

export const installStatuses = ['active', 'decommissioned'] as const;
export type InstallStatus = (typeof installStatuses)[number];

/** PATCH /v1/installs/{installId}: a new name, a new status, or both. */
export const patchInstallRequest = z
  .strictObject({
    name: z.optional(installName),
    status: z.optional(z.enum(installStatuses)),
  })
  .check(z.refine((body) => body.name !== undefined || body.status !== undefined, { message: 'give name, status or both' }));
export type PatchInstallRequest = z.infer<typeof patchInstallRequest>;
