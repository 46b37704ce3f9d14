/**
 * Every response body of the HTTP API (DESIGN.md §3) as a zod schema, and its TypeScript
 * type. Objects are strict: an answer with a field the contract does not list fails the
 * OpenAPI check of the HTTP tests. Bodies of routes beyond the contract (the duplicate
 * identifiers and versions reports) are provisional.
 */
import * as z from 'zod';
import { createInstallRequest, customerId, installStatuses, usageCollectionRequest } from '../domain/installs.js';
import { auditActions } from '../domain/audit.js';
import { MAX_PROBLEM_ISSUES, problemCodes, type Problem } from '../domain/problems.js';
import { queryTypes, type QueryType } from '../domain/queries/index.js';
import type { CustomerLicenseState } from '../domain/customerLicenseState.js';
import type { FleetVersion } from '../domain/fleetIndexes.js';
import type { ComplianceRow, Entitlement } from '../domain/licensing.js';
import type { Receipt } from '../domain/receipts.js';
import type { LicenseFile, PublishedJwk } from '../domain/licenseFiles.js';
import type { ComplianceStatus } from '../domain/licensing.js';
import type { ExpiringItem } from '../domain/reports.js';
import type { BundleOutcome } from '../services/bundles.js';
import type { UploadSession } from '../services/uploadSessions.js';
import type { StaleInstall } from '../store/reports.js';
import { count, isoDate, isoDateTime, text, withMeta } from '../domain/schemas/fields.js';
import { apiKey, installId, licenseFileId, queryTypeName, sha256, uploadId } from './identifiers.js';
import { licenseStateSummary, summarySchemas } from './summarySchemas.js';

const installName = createInstallRequest.shape.name;
const installStatus = z.enum(installStatuses).meta({ description: 'A decommissioned install\'s key answers 401, and it is left out of the stale and expiring reports (DESIGN.md §11).' });

export const problemBody = z
  .strictObject({
    type: z.url(),
    title: z.string(),
    status: z.int().min(400).max(599),
    detail: z.string(),
    code: z.enum(problemCodes),
    errors: z
      .array(z.strictObject({ path: z.string().meta({ description: 'A JSON path such as `records[41].unlicensedOn`; the root is "".' }), message: z.string() }))
      .max(MAX_PROBLEM_ISSUES)
      .optional(),
  })
  .meta({ description: 'An RFC 9457 problem, served as application/problem+json.' });

export const receiptBody = z.strictObject({
  uploadId,
  installId,
  queryType: queryTypeName,
  collectedAt: withMeta(isoDateTime, { description: 'The snapshot\'s collectedAt as a UTC instant with milliseconds.' }),
  recordCount: count,
  sha256: sha256.meta({ description: 'Of the JSON body as sent, after removing any Content-Encoding.' }),
  duplicate: z.boolean().meta({ description: 'True when this exact snapshot had already been accepted (then the status is 200).' }),
});

/** `{ items, nextCursor }` of the list routes: nextCursor is null on the last page. */
function pageOf<S extends z.ZodType>(item: S) {
  return z.strictObject({
    items: z.array(item),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  });
}

export const bundleResultBody = z.strictObject({
  bundleId: text(128),
  installId,
  results: z.array(
    z.strictObject({
      queryType: queryTypeName,
      status: z.enum(['accepted', 'duplicate', 'rejected']),
      receipt: receiptBody.optional(),
      problem: problemBody.optional(),
    }),
  ),
});

export const uploadStatusBody = z.strictObject({
  uploadId,
  status: z.enum(['pending', 'accepted', 'rejected']),
  kind: z.enum(['query', 'bundle']).optional().meta({ description: 'For an upload through an upload session: what it uploads.' }),
  receipt: receiptBody.optional(),
  problem: problemBody.optional(),
  bundle: bundleResultBody.optional().meta({ description: 'For a processed bundle session: the answer POST /v1/bundles would have given.' }),
});

const latestFields = { collectedAt: isoDateTime, uploadId, recordCount: count };
type LatestShape = {
  [Q in QueryType]: z.ZodOptional<z.ZodObject<typeof latestFields & { summary: (typeof summarySchemas)[Q] }, z.core.$strict>>;
};
const latestShape = Object.fromEntries(
  queryTypes.map((q) => [q, z.strictObject({ ...latestFields, summary: summarySchemas[q] }).optional()]),
) as unknown as LatestShape;

export const installBody = z.strictObject({
  installId,
  customerId,
  name: installName,
  createdAt: isoDateTime,
  lastSeenAt: z.nullable(isoDateTime).meta({ description: 'The last accepted upload; null before the first.' }),
  usageCollection: usageCollectionRequest,
  status: installStatus,
  queries: z
    .strictObject(latestShape)
    .meta({ description: 'The latest snapshot of each query type the install has uploaded, with its summary.' }),
});

export const receiptPage = pageOf(receiptBody);

export const createdInstallBody = z.strictObject({ installId, customerId, name: installName, apiKey });

export const rotatedKeyBody = z.strictObject({ apiKey });

/** GET /v1/customers (DESIGN.md §10). */
export const customerListPage = pageOf(
  z.strictObject({
    customerId,
    installs: withMeta(count, { description: "The customer's registered installs." }),
    lastSeenAt: z.nullable(isoDateTime).meta({ description: 'The last accepted upload of any of its installs; null before the first.' }),
  }),
);

/** GET /v1/installs (DESIGN.md §10). */
export const installListPage = pageOf(
  z.strictObject({
    installId,
    customerId,
    name: installName,
    createdAt: isoDateTime,
    lastSeenAt: z.nullable(isoDateTime),
    usageCollection: usageCollectionRequest,
    status: installStatus,
  }),
);

const staffKeyName = z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/);

/** POST /v1/staff-keys (DESIGN.md §11): the key is shown once. */
export const createdStaffKeyBody = z.strictObject({ keyId: z.uuid(), name: staffKeyName, apiKey, createdAt: isoDateTime, createdBy: z.string() });

/** GET /v1/staff-keys: never a key or its hash. */
export const staffKeyList = z.strictObject({
  items: z.array(
    z.strictObject({ keyId: z.uuid(), name: staffKeyName, note: z.string().nullable(), createdAt: isoDateTime, createdBy: z.string(), revokedAt: z.nullable(isoDateTime) }),
  ),
});

/** GET /v1/audit: entries newest first. */
export const auditPage = pageOf(
  z.strictObject({
    at: isoDateTime,
    actor: z.string().meta({ description: "The staff key's name (`local-admin` for the local STAFF_API_KEY)." }),
    action: z.enum(auditActions),
    target: z.string().meta({ description: 'What was changed: `install/<id>`, `staff-key/<id>`, `customer/<id>/…`.' }),
    details: z.record(z.string(), z.unknown()),
  }),
);

const expiringItem = z.strictObject({
  installId,
  customerId,
  devices: withMeta(count, { description: 'Licensed devices whose unlicensedOn came within 30 days during the day.' }),
  containers: withMeta(count, { description: 'Licensed containers whose unlicensedOn came within 30 days during the day.' }),
  firstUnlicensedOn: isoDate,
});

/** One compliance row (DESIGN.md §8): the compliance, over-deployment and digest answers share it. */
const complianceRowShape = {
  item: text(128),
  installId: z.nullable(installId).meta({ description: 'The install of an install-scoped entitlement; null: the pool of the customer\'s other installs.' }),
  entitled: withMeta(count, { description: 'The quantity of the scope\'s entitlements whose term covers asOf.' }),
  used: withMeta(count, { description: 'The sum of the item\'s count in the latest licensing-counts snapshot (on or before asOf) of each install in the scope.' }),
  peak: withMeta(count, { description: 'The highest used since the earliest termStart of those entitlements (a true-up); used when there is none.' }),
  overage: withMeta(count, { description: 'max(0, peak - entitled).' }),
  status: z.enum(['ok', 'near', 'over', 'over_past_grace', 'unentitled']),
  overSince: z.nullable(isoDateTime).meta({ description: 'The collectedAt from which used has stayed above entitled; null when it is not.' }),
};

/** GET /v1/reports/digest (DESIGN.md §11). */
export const digestBody = z.strictObject({
  asOf: isoDateTime,
  overDeployment: z
    .array(z.strictObject({ customerId, ...complianceRowShape }))
    .meta({ description: 'Compliance rows that went over their entitlement during the day.' }),
  expiringWithin30Days: z.array(expiringItem).meta({ description: 'Installs with licenses that came within 30 days of ending during the day.' }),
  newlyStale: z
    .array(z.strictObject({ installId, customerId, name: installName, lastSeenAt: z.nullable(isoDateTime) }))
    .meta({ description: 'Installs whose last accepted upload turned 2 days old during the day.' }),
});

export const healthBody = z.strictObject({ status: z.literal('ok') });

export const uploadSessionBody = z.strictObject({
  uploadId,
  url: z.url().meta({ description: 'A presigned URL to PUT the body to.' }),
  method: z.literal('PUT'),
  headers: z.record(z.string(), z.string()).meta({ description: 'Headers the PUT must carry exactly.' }),
  expiresAt: isoDateTime,
});

export const customerLicenseStateBody = z.strictObject({
  customerId,
  installs: withMeta(count, { description: "The customer's registered installs." }),
  devices: licenseStateSummary,
  containers: licenseStateSummary,
  licensingCounts: z.record(z.string(), count).meta({ description: 'The sum of count by item over the installs.' }),
  users: z.strictObject({ users: count, activeUsers: count, reportRecipients: count }).meta({ description: 'Sums over the installs.' }),
});

export const expiringReportPage = pageOf(
  z.strictObject({
    installId,
    customerId,
    devices: withMeta(count, { description: 'Licensed devices whose unlicensedOn falls within the window.' }),
    containers: withMeta(count, { description: 'Licensed containers whose unlicensedOn falls within the window.' }),
    firstUnlicensedOn: isoDate,
  }),
);

export const staleReportPage = pageOf(z.strictObject({ installId, customerId, name: installName, lastSeenAt: z.nullable(isoDateTime) }));

/** Provisional: beyond the contract. */
export const duplicateIdentifiersReportPage = pageOf(
  z.strictObject({
    kind: z.enum(['arid', 'hardwareId', 'serialNumber']),
    value: z.string(),
    installs: z.array(z.strictObject({ installId, customerId: z.nullable(customerId).meta({ description: 'Null when the install is no longer registered.' }) })),
  }),
);

/** Provisional: beyond the contract. */
export const versionsReportPage = pageOf(
  z.strictObject({
    deviceType: z.string(),
    softwareVersion: z.string(),
    devices: count,
    installs: withMeta(count, { description: 'Installs reporting this version for this device type.' }),
  }),
);

/** An entitlement as stored (DESIGN.md §8). */
export const entitlementBody = z.strictObject({
  customerId,
  entitlementId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
  item: text(128),
  quantity: count,
  termStart: isoDate,
  termEnd: z.nullable(isoDate).meta({ description: 'The last day of the term; null: perpetual.' }),
  graceDays: z.int().min(0).max(365),
  installId: z.nullable(installId).meta({ description: 'The install it is for; null: pooled over the customer\'s installs.' }),
  contractRef: z.nullable(z.string().max(128)),
  updatedAt: isoDateTime,
});

export const entitlementList = z.strictObject({ items: z.array(entitlementBody) });


export const complianceBody = z.strictObject({ customerId, asOf: isoDate, items: z.array(z.strictObject(complianceRowShape)) });

export const overDeploymentReportBody = z.strictObject({ items: z.array(z.strictObject({ customerId, ...complianceRowShape })) });

/** This API's own description; checked by an OpenAPI validator in the tests, not here. */
const complianceStatus: readonly ComplianceStatus[] = ['ok', 'near', 'over', 'over_past_grace', 'unentitled'];

export const licenseFileBody = z.strictObject({
  licenseFileId,
  installId,
  customerId,
  issuedAt: isoDateTime,
  expiresAt: isoDateTime,
  kid: z.string().regex(/^[A-Za-z0-9_-]{43}$/).meta({ description: 'The RFC 7638 thumbprint of the public key that signed the file (GET /.well-known/jwks.json).' }),
  entitlements: z.array(
    z.strictObject({ entitlementId: z.string(), item: text(128), quantity: count, termEnd: z.nullable(isoDate) }),
  ).meta({ description: "The install's own and its customer's pooled entitlements active at issue." }),
  compliance: z.array(
    z.strictObject({ item: text(128), entitled: count, used: count, status: z.enum(complianceStatus as [ComplianceStatus, ...ComplianceStatus[]]) }),
  ).meta({ description: "The compliance rows of the install's scope and of its customer's pool, one per item." }),
  acknowledges: z.array(z.strictObject({ queryType: queryTypeName, uploadId, collectedAt: isoDateTime, sha256 })).meta({
    description: 'The snapshots the file acknowledges: the latest of every required query type, and of the optional ones present.',
  }),
  file: z.string().meta({
    description: 'The text the customer loads into MPA: `-----BEGIN MPA LICENSE FILE-----`, the JWS compact serialization in lines of 64 characters, `-----END MPA LICENSE FILE-----`.',
  }),
});

export const licenseFilePage = pageOf(licenseFileBody);

export const jwksBody = z.strictObject({
  keys: z.array(
    z.strictObject({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string(), kid: z.string(), use: z.literal('sig'), alg: z.literal('EdDSA') }),
  ),
});

export const openApiBody = z.looseObject({ openapi: z.string().regex(/^3\.1\./), info: z.looseObject({}), paths: z.looseObject({}) });

export type ProblemBody = z.output<typeof problemBody>;
export type ReceiptBody = z.output<typeof receiptBody>;
export type UploadStatusBody = z.output<typeof uploadStatusBody>;
export type InstallBody = z.output<typeof installBody>;
export type ReceiptPage = z.output<typeof receiptPage>;
export type CreatedInstallBody = z.output<typeof createdInstallBody>;
export type RotatedKeyBody = z.output<typeof rotatedKeyBody>;
export type UsageCollectionBody = z.output<typeof usageCollectionRequest>;
export type HealthBody = z.output<typeof healthBody>;
export type UploadSessionBody = z.output<typeof uploadSessionBody>;
export type BundleResultBody = z.output<typeof bundleResultBody>;
export type CustomerLicenseStateBody = z.output<typeof customerLicenseStateBody>;
export type ExpiringReportPage = z.output<typeof expiringReportPage>;
export type StaleReportPage = z.output<typeof staleReportPage>;
export type DuplicateIdentifiersReportPage = z.output<typeof duplicateIdentifiersReportPage>;
export type VersionsReportPage = z.output<typeof versionsReportPage>;
export type EntitlementBody = z.output<typeof entitlementBody>;
export type ComplianceBody = z.output<typeof complianceBody>;
export type LicenseFileBody = z.output<typeof licenseFileBody>;
export type JwksBody = z.output<typeof jwksBody>;

/**
 * The types the service builds its answers from must fit their documented bodies (a compile-time
 * check; a field the body does not list is caught at run time, by the HTTP tests' OpenAPI check).
 */
export const domainTypesFitBodies = {
  receipt: (r: Receipt): ReceiptBody => r,
  problem: (p: Problem): ProblemBody => p,
  uploadSession: (s: UploadSession): UploadSessionBody => s,
  bundle: (b: BundleOutcome): BundleResultBody => b,
  customer: (c: CustomerLicenseState): CustomerLicenseStateBody => c,
  expiring: (i: ExpiringItem): ExpiringReportPage['items'][number] => i,
  stale: (i: StaleInstall): StaleReportPage['items'][number] => i,
  version: (v: FleetVersion): VersionsReportPage['items'][number] => v,
  entitlement: (e: Entitlement): EntitlementBody => e,
  complianceRow: (r: ComplianceRow): ComplianceBody['items'][number] => r,
  licenseFile: (f: LicenseFile): LicenseFileBody => f,
  jwk: (k: PublishedJwk): JwksBody['keys'][number] => k,
};
