/** The body of POST /v1/installs/{installId}/license-files (DESIGN.md §9): how long the file is valid. */
import * as z from 'zod/mini';
import './schemas/requestLocale.js';
import { DEFAULT_VALID_DAYS, MAX_VALID_DAYS } from './licenseFiles.js';

export const issueLicenseFileRequest = z.strictObject({
  validDays: z._default(z.int().check(z.gte(1), z.lte(MAX_VALID_DAYS)), DEFAULT_VALID_DAYS),
});
export type IssueLicenseFileRequest = z.infer<typeof issueLicenseFileRequest>;
