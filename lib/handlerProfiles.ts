/**
 * What each handler module may touch and how big its function is. The route table
 * (functions/routes.ts) says which handlers exist; this file says, per handler, the least
 * privilege it needs. The profiles are keyed by the function names, so a new route's handler
 * without a profile fails to compile; `defaultProfile` (read-only table access) is the
 * starting point of a read route's.
 */
import type { FunctionHandlerName } from '../functions/routes.js';

export type TableAccess = 'none' | 'getItem' | 'read' | 'readWrite';
export type ObjectAccess = 'get' | 'put' | 'delete' | 'deleteVersion' | 'list';

export interface HandlerProfile {
  table: TableAccess;
  /** Raw archive bucket (objects anywhere in the bucket). */
  raw?: readonly ObjectAccess[];
  /** Incoming bucket (objects under incoming/ only). */
  incoming?: readonly ObjectAccess[];
  memorySize: number;
  timeoutSeconds: number;
  /**
   * Synchronous upload paths: reserved concurrency (config uploadReservedConcurrency) so a
   * runaway client cannot take the whole account's concurrency, and the upload throttle class.
   */
  upload?: boolean;
  /**
   * The license signing key (KMS, lib/constructs/licenseSigning.ts): `sign` lets the function
   * sign with it and read its public key, and gives it LICENSE_SIGNING_KEY_ID. Only the issuing
   * function has it.
   */
  licenseKey?: 'sign';
  /**
   * Without it, a table writer is denied deleting or changing audit items (lib/constructs/grants.ts).
   * Only the install purge has it (DESIGN.md §11), and it keeps the audit entries anyway.
   */
  auditDelete?: boolean;
  /**
   * Without it, a table writer is denied updating audit items. Only the bundle upload has it:
   * a staff bundle's one entry is created, then added to, by each accepted file's transaction
   * (functions/store/audit.ts bundleAuditItems, whose condition confines the update to that
   * entry: IAM cannot tell one audit item from another, they share the AUDIT partition key).
   * Deleting audit items stays denied.
   */
  auditUpdate?: boolean;
  /**
   * Revokes access (a key revoked or rotated, an install retired or deleted), so it flushes the
   * stage's authorizer cache after its change: REST_API_ID and API_STAGE_NAME in its environment
   * and `apigateway:DELETE` on exactly that stage's `cache/authorizers` (lib/constructs/ingestApi.ts).
   */
  flushesAuthorizerCache?: boolean;
  description: string;
}

/**
 * API Gateway REST integrations time out after 29 s (without a quota increase), so no
 * synchronous handler runs longer than 28 s: with TIMEOUT_EARLY_MS it still answers
 * before the gateway gives up on it.
 */
export const MAX_SYNC_TIMEOUT_SECONDS = 28;

export const defaultProfile: HandlerProfile = {
  table: 'read',
  memorySize: 512,
  timeoutSeconds: 10,
  description: 'Read-only API handler',
};

export const handlerProfiles: Record<FunctionHandlerName, HandlerProfile> = {
  health: { table: 'none', memorySize: 256, timeoutSeconds: 5, description: 'GET /health' },
  authorizer: {
    table: 'getItem',
    memorySize: 512,
    timeoutSeconds: 5,
    description: 'API key authorizer (REQUEST, cached)',
  },
  postUpload: {
    table: 'readWrite',
    // deleteVersion: an upload refused after its archive was written removes the version it made.
    raw: ['put', 'delete', 'deleteVersion'],
    // 1769 MB is one full vCPU: parsing up to 100 MB of decompressed JSON is CPU-bound.
    memorySize: 1769,
    timeoutSeconds: MAX_SYNC_TIMEOUT_SECONDS,
    upload: true,
    description: 'POST /v1/uploads/{queryType}',
  },
  getUpload: { ...defaultProfile, description: 'GET /v1/uploads/{uploadId}' },
  putUsageCollection: {
    table: 'readWrite',
    // Opting out deletes the install's optional raw data, every version of it.
    raw: ['list', 'delete', 'deleteVersion'],
    memorySize: 512,
    timeoutSeconds: MAX_SYNC_TIMEOUT_SECONDS,
    description: 'PUT /v1/usage-collection',
  },
  postInstall: { table: 'readWrite', memorySize: 512, timeoutSeconds: 10, description: 'POST /v1/installs' },
  postInstallKey: { table: 'readWrite', flushesAuthorizerCache: true, memorySize: 512, timeoutSeconds: 10, description: 'POST /v1/installs/{installId}/keys' },
  getInstall: { ...defaultProfile, description: 'GET /v1/installs/{installId}' },
  listInstallUploads: { ...defaultProfile, description: 'GET /v1/installs/{installId}/uploads' },
  getCustomerLicenseState: {
    ...defaultProfile,
    timeoutSeconds: MAX_SYNC_TIMEOUT_SECONDS,
    description: 'GET /v1/customers/{customerId}/license-state',
  },
  // Reports walk an index over all installs: read-only, more time.
  getExpiringReport: { ...defaultProfile, timeoutSeconds: MAX_SYNC_TIMEOUT_SECONDS, description: 'GET /v1/reports/expiring' },
  getStaleReport: { ...defaultProfile, timeoutSeconds: MAX_SYNC_TIMEOUT_SECONDS, description: 'GET /v1/reports/stale' },
  getDuplicateIdentifiersReport: { ...defaultProfile, timeoutSeconds: MAX_SYNC_TIMEOUT_SECONDS, description: 'GET /v1/reports/duplicate-identifiers' },
  getVersionsReport: { ...defaultProfile, timeoutSeconds: MAX_SYNC_TIMEOUT_SECONDS, description: 'GET /v1/reports/versions' },
  // Entitlements (DESIGN.md §8): the writes commit with their audit entry.
  putEntitlement: { table: 'readWrite', memorySize: 512, timeoutSeconds: 10, description: 'PUT /v1/customers/{customerId}/entitlements/{entitlementId}' },
  listEntitlements: { ...defaultProfile, description: 'GET /v1/customers/{customerId}/entitlements' },
  deleteEntitlement: { table: 'readWrite', memorySize: 512, timeoutSeconds: 10, description: 'DELETE /v1/customers/{customerId}/entitlements/{entitlementId}' },
  // Compliance reads one customer's usage history; the report does so for every customer with usage or entitlements.
  getCustomerCompliance: { ...defaultProfile, timeoutSeconds: MAX_SYNC_TIMEOUT_SECONDS, description: 'GET /v1/customers/{customerId}/compliance' },
  getOverDeploymentReport: { ...defaultProfile, timeoutSeconds: MAX_SYNC_TIMEOUT_SECONDS, description: 'GET /v1/reports/over-deployment' },
  // Serves the OpenAPI document built from the schemas: no data.
  getOpenApi: { table: 'none', memorySize: 512, timeoutSeconds: 10, description: 'GET /v1/openapi.json' },
  postUploadSession: {
    table: 'readWrite',
    // Signs presigned PUTs: the URL carries the function's permission.
    incoming: ['put'],
    memorySize: 512,
    timeoutSeconds: 10,
    description: 'POST /v1/upload-sessions',
  },
  postBundle: {
    table: 'readWrite',
    // deleteVersion: an upload refused after its archive was written removes the version it made.
    raw: ['put', 'delete', 'deleteVersion'],
    memorySize: 1769,
    timeoutSeconds: MAX_SYNC_TIMEOUT_SECONDS,
    upload: true,
    auditUpdate: true,
    description: 'POST /v1/bundles',
  },
  // License files (DESIGN.md §9): only the issuing function may use the signing key.
  postLicenseFile: {
    table: 'readWrite',
    licenseKey: 'sign',
    memorySize: 512,
    timeoutSeconds: 10,
    description: 'POST /v1/installs/{installId}/license-files',
  },
  listLicenseFiles: { ...defaultProfile, description: 'GET /v1/installs/{installId}/license-files' },
  getLicenseFile: { ...defaultProfile, description: 'GET /v1/license-files/{licenseFileId}' },
  getOwnLicenseFile: { ...defaultProfile, description: 'GET /v1/license-file' },
  // Public: reads the published public keys from the table, never KMS.
  getJwks: { ...defaultProfile, memorySize: 256, timeoutSeconds: 5, description: 'GET /.well-known/jwks.json' },
  // Staff operations (DESIGN.md §10–11): listings read; every write also appends its audit entry.
  listCustomers: { ...defaultProfile, description: 'GET /v1/customers' },
  listInstalls: { ...defaultProfile, description: 'GET /v1/installs' },
  patchInstall: { table: 'readWrite', flushesAuthorizerCache: true, memorySize: 512, timeoutSeconds: 10, description: 'PATCH /v1/installs/{installId}' },
  deleteInstall: {
    table: 'readWrite',
    // The purge: every raw object and version of the install, and the fleet indexes' raw reads.
    raw: ['get', 'list', 'delete', 'deleteVersion'],
    memorySize: 512,
    timeoutSeconds: MAX_SYNC_TIMEOUT_SECONDS,
    auditDelete: true,
    flushesAuthorizerCache: true,
    description: 'DELETE /v1/installs/{installId}',
  },
  postStaffKey: { table: 'readWrite', memorySize: 512, timeoutSeconds: 10, description: 'POST /v1/staff-keys' },
  listStaffKeys: { ...defaultProfile, description: 'GET /v1/staff-keys' },
  deleteStaffKey: { table: 'readWrite', flushesAuthorizerCache: true, memorySize: 512, timeoutSeconds: 10, description: 'DELETE /v1/staff-keys/{keyId}' },
  getAudit: { ...defaultProfile, description: 'GET /v1/audit' },
  // Reads the indexes of three reports and each customer's compliance.
  // The scheduled digest: reads what GET /v1/reports/digest reads; SNS is granted by its construct.
  publishDigest: { ...defaultProfile, timeoutSeconds: 120, description: 'Daily digest (EventBridge schedule -> SNS)' },
  getDigestReport: { ...defaultProfile, timeoutSeconds: MAX_SYNC_TIMEOUT_SECONDS, description: 'GET /v1/reports/digest' },
  processIncoming: {
    table: 'readWrite',
    // deleteVersion: an upload refused after its archive was written removes the version it made.
    raw: ['put', 'delete', 'deleteVersion'],
    // list: without s3:ListBucket a HEAD of an object that is already gone answers 403, not 404.
    incoming: ['get', 'delete', 'list'],
    // Up to 1 GiB per object (bundles, large query results), one object per invocation.
    memorySize: 3008,
    timeoutSeconds: 900,
    description: 'Processor of presigned uploads (S3 ObjectCreated -> SQS)',
  },
  syncFleetIndexes: {
    table: 'readWrite',
    // Reads the raw snapshots of devices and device-versions.
    raw: ['get'],
    memorySize: 1769,
    timeoutSeconds: 300,
    description: 'Fleet index sync (DynamoDB stream consumer)',
  },
};

/** The profile of a function; a name that is no function's (the console's assets) gets the default. */
export function profileFor(handlerName: string): HandlerProfile {
  return (handlerProfiles as Partial<Record<string, HandlerProfile>>)[handlerName] ?? defaultProfile;
}
