/** Install registration input (staff) and the install record shape. */
import * as z from 'zod/mini';
import { CUSTOMER_ID } from './identifierPatterns.js';
import './schemas/requestLocale.js';

export const customerId = z
  .string()
  .check(z.regex(CUSTOMER_ID, 'must be 1-128 of A-Z a-z 0-9 . _ : -'));

export const createInstallRequest = z.strictObject({
  customerId,
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
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
}
