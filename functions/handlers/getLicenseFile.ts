/** GET /v1/license-files/{licenseFileId}: a license file; an install sees only its own (another's is 404). */
import { UUID_PATTERN } from '../domain/licenseFiles.js';
import { ProblemError } from '../domain/problems.js';
import { httpHandler } from '../http/httpHandler.js';
import { pathParameter } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import { getLicenseFile } from '../store/licenseFiles.js';

export const handler = httpHandler('getLicenseFile', async ({ event, caller, clients }) => {
  const licenseFileId = pathParameter(event, 'licenseFileId');
  const file = UUID_PATTERN.test(licenseFileId) ? await getLicenseFile(clients, licenseFileId) : undefined;
  // Another install's file is answered like a missing one: its existence is not disclosed.
  if (!file || (caller.role === 'install' && file.installId !== caller.installId)) {
    throw new ProblemError('not_found', `There is no license file '${licenseFileId.slice(0, 64)}'.`);
  }
  return jsonResponse(200, file);
});
