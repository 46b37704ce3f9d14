/** GET /v1/installs/{installId}/license-files?limit=&cursor= (staff): the install's license files, newest first. */
import { UUID_PATTERN } from '../domain/licenseFiles.js';
import { ProblemError } from '../domain/problems.js';
import { httpHandler } from '../http/httpHandler.js';
import { pageOf } from '../http/pagination.js';
import { pathParameter } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import { requireInstall } from '../store/installs.js';
import { listLicenseFiles } from '../store/licenseFiles.js';

export const handler = httpHandler('listLicenseFiles', async ({ event, clients }) => {
  const installId = pathParameter(event, 'installId');
  // Install ids are UUIDs: anything else names no install (and is never sent to the table).
  if (!UUID_PATTERN.test(installId)) throw new ProblemError('not_found', `There is no install '${installId.slice(0, 64)}'.`);
  const page = pageOf(event);
  await requireInstall(clients, installId);
  return jsonResponse(200, await listLicenseFiles(clients, installId, page));
});
