/**
 * The route table of DESIGN.md §3: the single list that the local server, the CDK API,
 * the OpenAPI document and the authorization tests are all built from.
 *
 * `handler` names the module functions/handlers/<handler>.ts, which exports `handler`.
 * API Gateway (and OpenAPI) allow one path variable name per position, so
 * `POST /v1/uploads/{queryType}` and `GET /v1/uploads/{uploadId}` share the path
 * `/v1/uploads/{queryTypeOrUploadId}`.
 */

import type { AuditAction } from './domain/audit.js';
import type { Role } from './domain/roles.js';

export type { Role };
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  method: HttpMethod;
  path: string;
  handler: string;
  /** Roles allowed to call it; empty: no authentication. */
  roles: readonly Role[];
  summary: string;
  /**
   * A staff write: the audit actions it records (DESIGN.md §11), one entry per change in the
   * change's own transaction. Every staff route that writes says so here; test/http/audit.test.ts
   * walks them and checks each one's entries.
   */
  audit?: readonly AuditAction[];
}

export const routes = [
  { method: 'GET', path: '/health', handler: 'health', roles: [], summary: 'Liveness check' },
  { method: 'POST', path: '/v1/uploads/{queryTypeOrUploadId}', handler: 'postUpload', roles: ['install'], summary: 'Upload one query result' },
  { method: 'GET', path: '/v1/uploads/{queryTypeOrUploadId}', handler: 'getUpload', roles: ['install', 'staff'], summary: 'Status of an upload' },
  { method: 'PUT', path: '/v1/usage-collection', handler: 'putUsageCollection', roles: ['install'], summary: 'Opt in to or out of usage data collection' },
  { method: 'POST', path: '/v1/installs', handler: 'postInstall', roles: ['staff'], summary: 'Register an install and issue its API key', audit: ['install.create'] },
  { method: 'POST', path: '/v1/installs/{installId}/keys', handler: 'postInstallKey', roles: ['staff'], summary: "Rotate an install's API key", audit: ['install.key.rotate'] },
  { method: 'GET', path: '/v1/installs/{installId}', handler: 'getInstall', roles: ['staff'], summary: 'An install with its latest summaries' },
  { method: 'GET', path: '/v1/installs/{installId}/uploads', handler: 'listInstallUploads', roles: ['staff'], summary: "An install's accepted uploads, newest first" },
  { method: 'GET', path: '/v1/customers/{customerId}/license-state', handler: 'getCustomerLicenseState', roles: ['staff'], summary: "A customer's license state over all its installs" },
  { method: 'GET', path: '/v1/reports/expiring', handler: 'getExpiringReport', roles: ['staff'], summary: 'Installs with licenses that end soon' },
  { method: 'GET', path: '/v1/reports/stale', handler: 'getStaleReport', roles: ['staff'], summary: 'Installs that stopped reporting' },
  { method: 'GET', path: '/v1/reports/duplicate-identifiers', handler: 'getDuplicateIdentifiersReport', roles: ['staff'], summary: 'Device identifiers reported by more than one install' },
  { method: 'GET', path: '/v1/reports/versions', handler: 'getVersionsReport', roles: ['staff'], summary: 'Fleet-wide device software versions by device type' },
  { method: 'GET', path: '/v1/openapi.json', handler: 'getOpenApi', roles: [], summary: 'This API as an OpenAPI 3.1 document' },
  { method: 'POST', path: '/v1/upload-sessions', handler: 'postUploadSession', roles: ['install'], summary: 'A presigned PUT for a query result or bundle too large to POST' },
  { method: 'POST', path: '/v1/bundles', handler: 'postBundle', roles: ['install', 'staff'], summary: 'Upload an offline bundle (zip)', audit: ['bundle.upload'] },
  { method: 'PUT', path: '/v1/customers/{customerId}/entitlements/{entitlementId}', handler: 'putEntitlement', roles: ['staff'], summary: 'Record (create or replace) an entitlement of a customer', audit: ['entitlement.put'] },
  { method: 'GET', path: '/v1/customers/{customerId}/entitlements', handler: 'listEntitlements', roles: ['staff'], summary: "A customer's entitlements" },
  { method: 'DELETE', path: '/v1/customers/{customerId}/entitlements/{entitlementId}', handler: 'deleteEntitlement', roles: ['staff'], summary: 'Remove an entitlement of a customer', audit: ['entitlement.delete'] },
  { method: 'GET', path: '/v1/customers/{customerId}/compliance', handler: 'getCustomerCompliance', roles: ['staff'], summary: "A customer's entitlements against its installs' usage" },
  { method: 'GET', path: '/v1/reports/over-deployment', handler: 'getOverDeploymentReport', roles: ['staff'], summary: 'Customers using more than they are entitled to' },
  { method: 'POST', path: '/v1/installs/{installId}/license-files', handler: 'postLicenseFile', roles: ['staff'], summary: 'Issue a signed license file for an install', audit: ['license-file.issue'] },
  { method: 'GET', path: '/v1/installs/{installId}/license-files', handler: 'listLicenseFiles', roles: ['staff'], summary: "An install's license files, newest first" },
  { method: 'GET', path: '/v1/license-files/{licenseFileId}', handler: 'getLicenseFile', roles: ['install', 'staff'], summary: 'A license file' },
  { method: 'GET', path: '/v1/license-file', handler: 'getOwnLicenseFile', roles: ['install'], summary: "The calling install's newest license file" },
  { method: 'GET', path: '/.well-known/jwks.json', handler: 'getJwks', roles: [], summary: 'The public keys that sign license files (JWKS)' },
  { method: 'GET', path: '/v1/customers', handler: 'listCustomers', roles: ['staff'], summary: 'Customers with registered installs, by id' },
  { method: 'GET', path: '/v1/installs', handler: 'listInstalls', roles: ['staff'], summary: 'Installs by customer, then name' },
  { method: 'PATCH', path: '/v1/installs/{installId}', handler: 'patchInstall', roles: ['staff'], summary: 'Rename, decommission or reactivate an install', audit: ['install.rename', 'install.decommission', 'install.reactivate'] },
  { method: 'DELETE', path: '/v1/installs/{installId}', handler: 'deleteInstall', roles: ['staff'], summary: 'Delete an install and every trace of it but its audit entries', audit: ['install.delete'] },
  { method: 'POST', path: '/v1/staff-keys', handler: 'postStaffKey', roles: ['staff'], summary: 'Create a named staff key', audit: ['staff-key.create'] },
  { method: 'GET', path: '/v1/staff-keys', handler: 'listStaffKeys', roles: ['staff'], summary: 'Every staff key, revoked ones included' },
  { method: 'DELETE', path: '/v1/staff-keys/{keyId}', handler: 'deleteStaffKey', roles: ['staff'], summary: 'Revoke a staff key', audit: ['staff-key.revoke'] },
  { method: 'GET', path: '/v1/reports/digest', handler: 'getDigestReport', roles: ['staff'], summary: 'What changed for the worse in the day before asOf' },
  { method: 'GET', path: '/v1/audit', handler: 'getAudit', roles: ['staff'], summary: 'The audit trail, newest first, by actor or target' },
] as const satisfies readonly Route[];

export type HandlerName = (typeof routes)[number]['handler'];

/**
 * The path variable that POST and GET /v1/uploads/{…} share (see the header). Handlers read it
 * through queryTypeFromPath and uploadIdFromPath (http/request.ts), never by this name.
 */
export const uploadPathVariable = 'queryTypeOrUploadId';

/** The distinct handler modules, one Lambda function each. */
export const handlerNames: readonly HandlerName[] = [...new Set(routes.map((r) => r.handler))];

/** The authorizer's module: functions/handlers/authorizer.ts. */
export const authorizerHandler = 'authorizer' as const;
/** The processor of presigned uploads (S3 events through SQS): functions/handlers/processIncoming.ts. */
export const processorHandler = 'processIncoming' as const;
/** The daily digest (an EventBridge schedule, answering to SNS): functions/handlers/publishDigest.ts. */
export const digestHandler = 'publishDigest' as const;
/** The fleet index sync (the table's stream): functions/handlers/syncFleetIndexes.ts. */
export const fleetSyncHandler = 'syncFleetIndexes' as const;

/** Every handler module that is a Lambda function of its own: the routes' and the four above. */
export type FunctionHandlerName = HandlerName | typeof authorizerHandler | typeof processorHandler | typeof digestHandler | typeof fleetSyncHandler;
