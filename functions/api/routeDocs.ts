/**
 * What the OpenAPI document says about each route beyond the route table: parameters,
 * request body, success responses and the problem codes it may answer with. Problems every
 * route shares (internal, throttled, and unauthorized/forbidden/payload_too_large where they
 * apply) are added by openApiDocument.ts. A handler in the route table without docs here
 * fails the type check; docs for a handler not (yet) in the table are allowed and unused.
 */
import * as z from 'zod';
import { createInstallRequest, customerId, patchInstallRequest, usageCollectionRequest } from '../domain/installs.js';
import type { ProblemCode } from '../domain/problems.js';
import { optionalQueryTypes } from '../domain/queries/index.js';
import { DIRECT_BODY_MAX_BYTES, MiB } from '../domain/uploadBody.js';
import { type HandlerName, uploadPathVariable } from '../routes.js';
import { uploadSessionRequest } from '../sessions/request.js';
import { entitlementId, entitlementRequest } from '../domain/entitlements.js';
import { issueLicenseFileRequest } from '../domain/licenseFileRequest.js';
import { createStaffKeyRequest } from '../domain/staffKeys.js';
import { installId, licenseFileId, queryTypeName, uploadId } from './identifiers.js';
import { auditQuery, complianceAsOf, customerListQuery, digestQuery, expiringReportQuery, installListQuery, licenseStateAsOf, pageParameters, staleReportQuery, versionsReportDeviceType } from './reportQueries.js';
import { anyUploadBody } from './requestSchemas.js';
import * as bodies from './responseSchemas.js';

/** Classic zod (records, responses) or zod/mini (requests). */
type AnySchema = z.core.$ZodType;

export interface ParameterDoc {
  schema: AnySchema;
  description: string;
}

export interface ResponseDoc {
  description: string;
  /** None: the answer has no body (204). */
  schema?: AnySchema;
  /** Describes the Location header, when the answer carries one. */
  location?: string;
}

export interface RouteDoc {
  description: string;
  /** Beyond DESIGN.md: the shape may still change. */
  provisional?: boolean;
  path?: Record<string, ParameterDoc>;
  query?: Record<string, ParameterDoc>;
  headers?: Record<string, ParameterDoc>;
  body?: {
    contentType: 'application/json' | 'application/zip';
    schema?: AnySchema;
    description: string;
    /** A component schema (by name) of a file inside a binary body, such as a bundle's manifest. */
    describedBy?: string;
  };
  /** Success answers by status. */
  responses: Record<number, ResponseDoc>;
  /** The problem codes particular to this route. */
  problems: readonly ProblemCode[];
}

const installIdParameter = { installId: { schema: installId, description: 'The install, as issued by POST /v1/installs.' } };

const page = {
  limit: { schema: pageParameters.limit, description: 'Items per page, 1-1000.' },
  cursor: { schema: pageParameters.cursor, description: 'The nextCursor of the previous page (opaque).' },
};

const sharedUploadPath = 'This path position is shared by POST (a query type) and GET (an upload id); upload ids are UUIDs, so the two never collide.';

const jsonBodyProblems = ['unsupported_media_type', 'invalid_json', 'validation_failed'] as const;

/** A list route: its own query parameters and then `limit` and `cursor`, answering one page. */
function listDoc(description: string, answer: ResponseDoc, query: Record<string, ParameterDoc> = {}, more: Partial<RouteDoc> = {}): RouteDoc {
  return { description, query: { ...query, ...page }, responses: { 200: answer }, problems: ['validation_failed'], ...more };
}

/** A route's query parameters from its query schemas, each with its description (one for every schema). */
function queryDocs<Q extends Record<string, AnySchema>>(schemas: Q, descriptions: { [K in keyof Q]: string }): Record<string, ParameterDoc> {
  return Object.fromEntries(Object.entries(descriptions).map(([name, description]) => [name, { schema: schemas[name] as AnySchema, description }]));
}

const customerParameter = { customerId: { schema: customerId, description: 'The customer, as given when its installs were registered.' } };
const entitlementParameters = { ...customerParameter, entitlementId: { schema: entitlementId, description: "The caller's id of the entitlement (an order line): putting it again replaces it." } };
const complianceAsOfParameter = {
  asOf: { schema: complianceAsOf, description: 'The date compliance is answered as of (default: today, UTC): snapshots collected up to the end of that day count.' },
};

export const routeDocs: { [K in HandlerName]: RouteDoc } & Partial<Record<string, RouteDoc>> = {
  health: {
    description: 'Answers while the service runs.',
    responses: { 200: { description: 'The service is up.', schema: bodies.healthBody } },
    problems: [],
  },
  postUpload: {
    description:
      'One query result (DESIGN.md §2): the envelope with the records of the query type in the path. ' +
      `Send \`Content-Type: application/json\`, optionally \`Content-Encoding: gzip\`; at most ${DIRECT_BODY_MAX_BYTES / MiB} MiB as sent (else 413) and 100 MiB inflated ` +
      '(larger bodies go through POST /v1/upload-sessions). ' +
      `The optional query types (${optionalQueryTypes.join(', ')}) are refused while the install's usage data collection is disabled. ` +
      'A snapshot is identified by (install, queryType, collectedAt): the same bytes again answer 200 with the original receipt, ' +
      'different content for an existing snapshot 409.',
    path: { [uploadPathVariable]: { schema: queryTypeName, description: `The query type of the upload. ${sharedUploadPath}` } },
    headers: {
      'Content-Encoding': { schema: z.enum(['gzip', 'identity']).optional(), description: '`gzip` when the JSON is sent compressed.' },
    },
    body: { contentType: 'application/json', schema: anyUploadBody, description: 'The upload envelope; its records are those of the query type in the path.' },
    responses: {
      201: { description: 'Accepted: the receipt.', schema: bodies.receiptBody, location: 'GET /v1/uploads/{uploadId} of this upload.' },
      200: { description: 'This exact snapshot was already accepted: the original receipt, with `duplicate: true`.', schema: bodies.receiptBody },
    },
    problems: [...jsonBodyProblems, 'unknown_query_type', 'payload_too_large', 'usage_collection_disabled', 'pii_detected', 'conflict', 'not_found'],
  },
  getUpload: {
    description: "The status of an upload: an install sees only its own (another install's upload is 404), staff see any.",
    path: { [uploadPathVariable]: { schema: uploadId, description: `The upload id. ${sharedUploadPath}` } },
    responses: { 200: { description: 'The upload, with its receipt once accepted or its problem once rejected.', schema: bodies.uploadStatusBody } },
    problems: ['not_found'],
  },
  putUsageCollection: {
    description: "The MPA admin's opt-in or opt-out of usage data collection (DESIGN.md §4). Opting out deletes what was stored of the install's optional query types.",
    body: { contentType: 'application/json', schema: usageCollectionRequest, description: 'Whether usage data is collected.' },
    responses: { 200: { description: 'The setting now in force.', schema: usageCollectionRequest } },
    problems: [...jsonBodyProblems, 'not_found'],
  },
  postInstall: {
    description: 'Registers an install of a customer and issues its API key, which is shown only in this answer.',
    body: { contentType: 'application/json', schema: createInstallRequest, description: 'The customer and a name for the install.' },
    responses: { 201: { description: 'The install and its key.', schema: bodies.createdInstallBody, location: 'GET /v1/installs/{installId} of the new install.' } },
    problems: jsonBodyProblems,
  },
  postInstallKey: {
    description: "Issues a new API key for the install; the previous key stops working at once.",
    path: installIdParameter,
    responses: { 201: { description: 'The new key, shown only in this answer.', schema: bodies.rotatedKeyBody } },
    problems: ['not_found', 'conflict'],
  },
  getInstall: {
    description: 'The install, its usage collection setting and the latest snapshot of each query type with its summary.',
    path: installIdParameter,
    responses: { 200: { description: 'The install.', schema: bodies.installBody } },
    problems: ['not_found'],
  },
  listInstallUploads: listDoc(
    "The install's accepted uploads as receipts, newest first.",
    { description: 'A page of receipts.', schema: bodies.receiptPage },
    { queryType: { schema: queryTypeName.optional(), description: 'Only uploads of this query type.' } },
    { path: installIdParameter, problems: ['validation_failed', 'not_found', 'unknown_query_type'] },
  ),
  getOpenApi: {
    description: 'This document.',
    responses: { 200: { description: 'The OpenAPI 3.1 document of this API.', schema: bodies.openApiBody } },
    problems: [],
  },
  postUploadSession: {
    description:
      'A presigned PUT for a body too large to POST (at most 1 GiB): a query result, or an offline bundle. ' +
      'The body PUT to the URL is processed as POST /v1/uploads/{queryType} or POST /v1/bundles would process it; ' +
      'follow its outcome with GET /v1/uploads/{uploadId}.',
    body: { contentType: 'application/json', schema: uploadSessionRequest, description: 'What will be uploaded, and its size in bytes as it will be sent.' },
    responses: { 201: { description: 'Where and how to PUT the body.', schema: bodies.uploadSessionBody, location: 'GET /v1/uploads/{uploadId} of the upload to come.' } },
    problems: [...jsonBodyProblems, 'unknown_query_type', 'usage_collection_disabled', 'payload_too_large', 'not_found', 'conflict'],
  },
  postBundle: {
    description:
      'An offline bundle (DESIGN.md §5): a zip of `manifest.json` (see the BundleManifest schema) and one `.json` or `.csv` file per query type. ' +
      "Each file is validated and stored as a direct upload would be and gets its own result. An install may send only its own bundles; staff may send any registered install's.",
    body: {
      contentType: 'application/zip',
      description: `The bundle: at most ${DIRECT_BODY_MAX_BYTES / MiB} MiB as sent (else 413; larger bundles go through POST /v1/upload-sessions), 64 entries, 100 MiB inflated in all (1 GiB through an upload session), a compression ratio of at most 200:1.`,
      describedBy: 'BundleManifest',
    },
    responses: { 201: { description: 'The result of each query file.', schema: bodies.bundleResultBody } },
    problems: ['unsupported_media_type', 'payload_too_large', 'invalid_bundle', 'forbidden', 'conflict'],
  },
  getCustomerLicenseState: {
    description: "The roll-up over the customer's installs of their latest license-state, licensing-count and user-count snapshots.",
    path: { customerId: { schema: customerId, description: 'The customer, as given when its installs were registered.' } },
    query: { asOf: { schema: licenseStateAsOf, description: 'The date nextUnlicensedOn and expiringWithin30Days are counted from (default: today).' } },
    responses: { 200: { description: "The customer's license state.", schema: bodies.customerLicenseStateBody } },
    problems: ['validation_failed', 'not_found'],
  },
  getExpiringReport: listDoc(
    'Installs with licensed devices or containers whose unlicensedOn falls within `withinDays` of `asOf`, soonest first.',
    { description: 'A page of installs.', schema: bodies.expiringReportPage },
    queryDocs(expiringReportQuery, { withinDays: 'The window in days after asOf.', asOf: 'The first day of the window (default: today).' }),
  ),
  getStaleReport: listDoc(
    'Installs with no accepted upload in the `days` before `asOf`, or none ever.',
    { description: 'A page of installs.', schema: bodies.staleReportPage },
    queryDocs(staleReportQuery, { days: 'How many days without an accepted upload make an install stale.', asOf: 'The instant counted back from (default: now).' }),
  ),
  getDuplicateIdentifiersReport: listDoc(
    'ARIDs, hardware ids and serial numbers that appear in the latest devices snapshot of more than one install, with the installs involved.',
    { description: 'A page of duplicated identifiers.', schema: bodies.duplicateIdentifiersReportPage },
    {},
    { provisional: true },
  ),
  getVersionsReport: listDoc(
    'The fleet-wide spread of device software versions by device type, from the latest device-versions and devices snapshots.',
    { description: 'A page of (deviceType, softwareVersion) counts.', schema: bodies.versionsReportPage },
    { deviceType: { schema: versionsReportDeviceType, description: 'Only this device type.' } },
    { provisional: true },
  ),
  putEntitlement: {
    description:
      'Records what a customer bought (DESIGN.md §8): a quantity of one licensing-counts item for a term, pooled over the customer\'s installs or for one of them. ' +
      'Idempotent: the entitlement id is the caller\'s, and putting the same entitlement again changes nothing. An installId that is not an install of this customer is refused (validation_failed, path `installId`).',
    path: entitlementParameters,
    body: { contentType: 'application/json', schema: entitlementRequest, description: 'The entitlement; graceDays defaults to 30, installId and contractRef to null.' },
    responses: {
      201: { description: 'Created: the entitlement as stored.', schema: bodies.entitlementBody },
      200: { description: 'Replaced (or already so): the entitlement as stored.', schema: bodies.entitlementBody },
    },
    problems: [...jsonBodyProblems, 'conflict'],
  },
  listEntitlements: {
    description: "Every entitlement of the customer, of any term, ordered by entitlementId.",
    path: customerParameter,
    responses: { 200: { description: 'The entitlements.', schema: bodies.entitlementList } },
    problems: ['validation_failed'],
  },
  deleteEntitlement: {
    description: 'Removes an entitlement.',
    path: entitlementParameters,
    responses: { 204: { description: 'Removed.' } },
    problems: ['validation_failed', 'not_found'],
  },
  getCustomerCompliance: {
    description:
      'One row per (item, scope) that has an entitlement or reported usage: entitled, used, peak (true-up), overage, status and overSince (DESIGN.md §8; decisions in docs/licensing.md).',
    path: customerParameter,
    query: complianceAsOfParameter,
    responses: { 200: { description: "The customer's compliance.", schema: bodies.complianceBody } },
    problems: ['validation_failed'],
  },
  getOverDeploymentReport: {
    description: 'Compliance rows of every customer with status over, over_past_grace or unentitled, largest overage first.',
    query: complianceAsOfParameter,
    responses: { 200: { description: 'The rows.', schema: bodies.overDeploymentReportBody } },
    problems: ['validation_failed'],
  },
  postLicenseFile: {
    description:
      'Issues a signed license file (DESIGN.md §9) for the install: an Ed25519 JWS over its active entitlements and the snapshots it acknowledges. ' +
      'Needs an accepted snapshot of every required query type collected within the 30 days before now (else 409 `reports_missing`, one entry per type). ' +
      'The same request again, with nothing changed (same acknowledged snapshots, entitlements, validDays and signing key), answers the existing file with 200. ' +
      "A file whose JWS signing input would exceed 4,096 bytes (the signing key's limit) is refused with 409 `conflict`.",
    path: installIdParameter,
    body: { contentType: 'application/json', schema: issueLicenseFileRequest, description: 'Optional: how many days the file is valid (1-400, default 365). An empty body takes the default.' },
    responses: {
      201: { description: 'The new license file.', schema: bodies.licenseFileBody, location: 'GET /v1/license-files/{licenseFileId} of the file.' },
      200: { description: 'Nothing changed since the same request issued a file that is still valid: that file.', schema: bodies.licenseFileBody },
    },
    problems: [...jsonBodyProblems, 'not_found', 'reports_missing', 'conflict'],
  },
  listLicenseFiles: listDoc(
    "The install's license files, newest first.",
    { description: 'A page of license files.', schema: bodies.licenseFilePage },
    {},
    { path: installIdParameter, problems: ['validation_failed', 'not_found'] },
  ),
  getLicenseFile: {
    description: "A license file: an install sees only its own (another install's is 404), staff see any.",
    path: { licenseFileId: { schema: licenseFileId, description: 'The license file id (its `jti`).' } },
    responses: { 200: { description: 'The license file.', schema: bodies.licenseFileBody } },
    problems: ['not_found'],
  },
  getOwnLicenseFile: {
    description: "The calling install's newest license file; 404 when none has been issued.",
    responses: { 200: { description: 'The newest license file.', schema: bodies.licenseFileBody } },
    problems: ['not_found'],
  },
  getJwks: {
    description:
      'The public keys (RFC 7517 JWK Set, Ed25519, RFC 8037) of every key that signed a license file not yet expired, the key used last first. ' +
      'A license file names its key by `kid` (the RFC 7638 thumbprint) in its protected header.',
    responses: { 200: { description: 'The JWK Set.', schema: bodies.jwksBody } },
    problems: [],
  },
  listCustomers: listDoc(
    'Customers with registered installs, ordered by customerId, each with how many installs it has and the last accepted upload of any of them.',
    { description: 'A page of customers.', schema: bodies.customerListPage },
    { prefix: { schema: customerListQuery.prefix, description: 'Only customers whose id starts with this.' } },
  ),
  listInstalls: listDoc(
    'Installs ordered by customerId, then name (a rename moves an install in this order).',
    { description: 'A page of installs.', schema: bodies.installListPage },
    { customerId: { schema: installListQuery.customerId, description: "Only this customer's installs." } },
  ),
  patchInstall: {
    description:
      'Renames, decommissions or reactivates an install (DESIGN.md §11). A decommissioned install\'s key answers 401 and the install leaves the stale and expiring reports; reactivating lets the same key in again. Each change writes its audit entry in the same transaction.',
    path: installIdParameter,
    body: { contentType: 'application/json', schema: patchInstallRequest, description: 'A new name, a new status, or both.' },
    responses: { 200: { description: 'The install as it now is.', schema: bodies.installBody } },
    problems: [...jsonBodyProblems, 'not_found', 'conflict'],
  },
  deleteInstall: {
    description:
      "Deletes the install: its raw objects, snapshots, summaries, upload log, keys, fleet index entries and license files. Its audit entries stay. Idempotent: deleting an install that is gone (or half gone, if a delete was interrupted) finishes the job and answers 204. 409 only when its key is rotated again and again while the delete begins (it then reads the install again, five times): send it again.",
    path: installIdParameter,
    responses: { 204: { description: 'Deleted.' } },
    problems: ['not_found', 'conflict'],
  },
  postStaffKey: {
    description: "Creates a named staff key, shown only in this answer. Names are 1-64 of A-Z a-z 0-9 . _ @ - and unique among active keys; the audit trail names every action of the key by it, so `local-admin` and `aws-operator`, the service's own actors, are refused (409) as names in use are.",
    body: { contentType: 'application/json', schema: createStaffKeyRequest, description: 'The name, and an optional note.' },
    responses: { 201: { description: 'The key.', schema: bodies.createdStaffKeyBody } },
    problems: [...jsonBodyProblems, 'conflict'],
  },
  listStaffKeys: {
    description: 'Every staff key, revoked ones included, oldest first; never a key or its hash.',
    responses: { 200: { description: 'The staff keys.', schema: bodies.staffKeyList } },
    problems: [],
  },
  deleteStaffKey: {
    description: 'Revokes a staff key at once. A key cannot revoke itself (409); revoking a revoked key answers 204 and changes nothing.',
    path: { keyId: { schema: z.string().min(1).max(64), description: 'The keyId of the staff key.' } },
    responses: { 204: { description: 'Revoked.' } },
    problems: ['not_found', 'conflict'],
  },
  getAudit: listDoc(
    'The audit trail, newest first: every staff write, naming the staff key that made it. Entries are never changed or deleted.',
    { description: 'A page of entries.', schema: bodies.auditPage },
    queryDocs(auditQuery, { actor: "Only this staff key's entries (its name).", target: 'Only entries about this target, e.g. `install/<installId>`.' }),
  ),
  getDigestReport: {
    description:
      'What changed for the worse in the day before `asOf`: compliance rows that went over their entitlement, installs with licenses that came within 30 days of ending, and installs whose last upload turned 2 days old. On AWS it is published daily to an SNS topic.',
    query: { asOf: { schema: digestQuery.asOf, description: 'The end of the day covered (default: now).' } },
    responses: { 200: { description: 'The digest.', schema: bodies.digestBody } },
    problems: ['validation_failed'],
  },
};
