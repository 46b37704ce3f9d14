/** GET /v1/license-file (install): the calling install's newest license file; 404 when it has none. */
import { ProblemError } from '../domain/problems.js';
import { httpHandler } from '../http/httpHandler.js';
import { jsonResponse } from '../http/response.js';
import { newestLicenseFile } from '../store/licenseFiles.js';

export const handler = httpHandler('getOwnLicenseFile', async ({ caller, clients }) => {
  const file = await newestLicenseFile(clients, caller.installId);
  if (!file) throw new ProblemError('not_found', 'No license file has been issued for this install yet.');
  return jsonResponse(200, file);
});
