/** Every API handler by route-table name, for the local server (a Record, so none is forgotten). */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { HandlerName } from '../routes.js';
import { handler as deleteEntitlement } from '../handlers/deleteEntitlement.js';
import { handler as getCustomerCompliance } from '../handlers/getCustomerCompliance.js';
import { handler as getCustomerLicenseState } from '../handlers/getCustomerLicenseState.js';
import { handler as getDuplicateIdentifiersReport } from '../handlers/getDuplicateIdentifiersReport.js';
import { handler as getExpiringReport } from '../handlers/getExpiringReport.js';
import { handler as getInstall } from '../handlers/getInstall.js';
import { handler as getOpenApi } from '../handlers/getOpenApi.js';
import { handler as getOverDeploymentReport } from '../handlers/getOverDeploymentReport.js';
import { handler as getStaleReport } from '../handlers/getStaleReport.js';
import { handler as getUpload } from '../handlers/getUpload.js';
import { handler as getVersionsReport } from '../handlers/getVersionsReport.js';
import { handler as health } from '../handlers/health.js';
import { handler as listEntitlements } from '../handlers/listEntitlements.js';
import { handler as getJwks } from '../handlers/getJwks.js';
import { handler as getLicenseFile } from '../handlers/getLicenseFile.js';
import { handler as getOwnLicenseFile } from '../handlers/getOwnLicenseFile.js';
import { handler as listLicenseFiles } from '../handlers/listLicenseFiles.js';
import { handler as postLicenseFile } from '../handlers/postLicenseFile.js';
import { handler as listInstallUploads } from '../handlers/listInstallUploads.js';
import { handler as postBundle } from '../handlers/postBundle.js';
import { handler as postInstall } from '../handlers/postInstall.js';
import { handler as postInstallKey } from '../handlers/postInstallKey.js';
import { handler as postUpload } from '../handlers/postUpload.js';
import { handler as postUploadSession } from '../handlers/postUploadSession.js';
import { handler as putEntitlement } from '../handlers/putEntitlement.js';
import { handler as putUsageCollection } from '../handlers/putUsageCollection.js';
import { handler as listCustomers } from '../handlers/listCustomers.js';
import { handler as listInstalls } from '../handlers/listInstalls.js';
import { handler as patchInstall } from '../handlers/patchInstall.js';
import { handler as deleteInstall } from '../handlers/deleteInstall.js';
import { handler as postStaffKey } from '../handlers/postStaffKey.js';
import { handler as listStaffKeys } from '../handlers/listStaffKeys.js';
import { handler as deleteStaffKey } from '../handlers/deleteStaffKey.js';
import { handler as getAudit } from '../handlers/getAudit.js';
import { handler as getDigestReport } from '../handlers/getDigestReport.js';

/** What Lambda calls: an httpHandler (middy) or a static answer (http/staticAnswer.ts). */
export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export const apiHandlers: Record<HandlerName, ApiHandler> = {
  getCustomerLicenseState,
  getDuplicateIdentifiersReport,
  getExpiringReport,
  getInstall,
  getOpenApi,
  getStaleReport,
  getUpload,
  getVersionsReport,
  health,
  listInstallUploads,
  postBundle,
  postInstall,
  postInstallKey,
  postUpload,
  postUploadSession,
  putUsageCollection,
  putEntitlement,
  listEntitlements,
  deleteEntitlement,
  getCustomerCompliance,
  getOverDeploymentReport,
  postLicenseFile,
  listLicenseFiles,
  getLicenseFile,
  getOwnLicenseFile,
  getJwks,
  listCustomers,
  listInstalls,
  patchInstall,
  deleteInstall,
  postStaffKey,
  listStaffKeys,
  deleteStaffKey,
  getAudit,
  getDigestReport,
};

export { handler as authorizer } from '../handlers/authorizer.js';
