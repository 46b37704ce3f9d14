/** GET /v1/license-files/{licenseFileId}: a license file; an install sees only its own (another's is 404). */
import { ProblemError } from '../domain/problems.js';
import { httpHandler } from '../http/httpHandler.js';
import { pathParameter } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import { getLicenseFile } from '../store/licenseFiles.js';

const LICENSE_FILE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const handler = httpHandler('getLicenseFile', async ({ event, caller, clients }) => {
  const licenseFileId = pathParameter(event, 'licenseFileId');
  const file = LICENSE_FILE_ID.test(licenseFileId) ? await getLicenseFile(clients, licenseFileId) : undefined;
  // Another install's file is answered like a missing one: its existence is not disclosed.
  if (!file || (caller.role === 'install' && file.installId !== caller.installId)) {
    throw new ProblemError('not_found', `There is no license file '${licenseFileId.slice(0, 64)}'.`);
  }
  return jsonResponse(200, file);
});
