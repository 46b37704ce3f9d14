/**
 * The query parameters of the report and listing routes: their handlers parse them with these
 * schemas, and the API description (routeDocs.ts, through requestSchemas.ts) documents them.
 * Apart from the upload schemas so that these handlers do not load the query types' schemas.
 */
import * as z from 'zod';
import { isoDate, isoDateTime } from '../domain/schemas/fields.js';
import { pageQuery } from '../http/pagination.js';

export const pageParameters = pageQuery.shape;

/** The query of getCustomerLicenseState. */
export const licenseStateAsOf = isoDate.optional();

/** The query of getExpiringReport. */
export const expiringReportQuery = {
  withinDays: z.coerce.number().int().min(0).max(366).default(30),
  asOf: isoDate.optional(),
};

/** The query of getStaleReport. */
export const staleReportQuery = {
  days: z.coerce.number().min(0).max(3650).default(2),
  asOf: isoDateTime.optional(),
};

/** The query of getVersionsReport. */
export const versionsReportDeviceType = z.string().min(1).max(64).optional();
