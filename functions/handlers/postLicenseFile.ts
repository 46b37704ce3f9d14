/**
 * POST /v1/installs/{installId}/license-files (staff): issues a signed license file (DESIGN.md
 * §9): `201` a new one, `200` the existing one when the same request finds nothing changed.
 */
import { issueLicenseFileRequest } from '../domain/licenseFileRequest.js';
import { UUID_PATTERN } from '../domain/licenseFiles.js';
import { ProblemError } from '../domain/problems.js';
import { httpHandler } from '../http/httpHandler.js';
import { jsonBody } from '../http/jsonBody.js';
import { parseRequest } from '../http/parseRequest.js';
import { actorOf, bodyBytes, pathParameter } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import { licenseSigner } from '../licensing/signerFromEnvironment.js';
import { issueLicenseFile } from '../services/licenseFiles.js';

export const handler = httpHandler('postLicenseFile', async ({ event, caller, now, clients }) => {
  const installId = pathParameter(event, 'installId');
  // Install ids are UUIDs: anything else names no install (and is never sent to the table).
  if (!UUID_PATTERN.test(installId)) throw new ProblemError('not_found', `There is no install '${installId.slice(0, 64)}'.`);
  // The body is optional: none at all means the defaults.
  const { validDays } = parseRequest(issueLicenseFileRequest, bodyBytes(event).length === 0 ? {} : jsonBody(event));
  const { created, licenseFile } = await issueLicenseFile(clients, await licenseSigner(), { installId, validDays, now, actor: actorOf(caller) });
  return jsonResponse(created ? 201 : 200, licenseFile, { location: `/v1/license-files/${licenseFile.licenseFileId}` });
});
