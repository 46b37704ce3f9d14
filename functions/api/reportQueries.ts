/**
 * The query parameters of the report and listing routes: their handlers parse them with these
 * schemas, and the API description (routeDocs.ts, through requestSchemas.ts) documents them.
 * Apart from the upload schemas so that these handlers do not load the query types' schemas,
 * and in zod/mini (functions/domain/schemas/requestLocale.ts) so that they load no classic zod.
 */
import * as z from 'zod/mini';
import '../domain/schemas/requestLocale.js';
import { pageQuery } from '../http/pagination.js';

export const pageParameters = pageQuery.shape;

/**
 * A calendar date `YYYY-MM-DD` and an RFC 3339 datetime with `Z` or an offset: the same formats
 * as `isoDate` and `isoDateTime` of the records (domain/schemas/fields.ts), written with
 * zod/mini. The OpenAPI document names them as those (components.ts; a test checks that their
 * JSON Schemas are equal).
 */
export const dateParameter = z.iso.date();
export const dateTimeParameter = z.iso.datetime({ offset: true });

/** The query of getCustomerLicenseState. */
export const licenseStateAsOf = z.optional(dateParameter);

/** The query of getExpiringReport. */
export const expiringReportQuery = {
  withinDays: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(366)), 30),
  asOf: z.optional(dateParameter),
};

/** The query of getStaleReport. */
export const staleReportQuery = {
  days: z._default(z.coerce.number().check(z.gte(0), z.lte(3650)), 2),
  asOf: z.optional(dateTimeParameter),
};

/** The query of getVersionsReport. */
export const versionsReportDeviceType = z.optional(z.string().check(z.minLength(1), z.maxLength(64)));

/** The query of getCustomerCompliance and getOverDeploymentReport: a date (docs/licensing.md). */
export const complianceAsOf = z.optional(dateParameter);
/** The query of listCustomers: a prefix of customer ids (their characters, at most their length). */
export const customerListQuery = {
  prefix: z.optional(z.string().check(z.regex(/^[A-Za-z0-9._:-]{0,128}$/, 'must be up to 128 of A-Z a-z 0-9 . _ : -'))),
};

/** The query of listInstalls: one customer's installs. */
export const installListQuery = {
  customerId: z.optional(z.string().check(z.regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1-128 of A-Z a-z 0-9 . _ : -'))),
};

/** The query of getAudit: entries of one actor (a staff key's name) and/or one target. */
export const auditQuery = {
  actor: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  target: z.optional(z.string().check(z.minLength(1), z.maxLength(300))),
};

/** The query of getDigestReport: the end of the day it covers (default now). */
export const digestQuery = {
  asOf: z.optional(dateTimeParameter),
};
