/** PATCH /v1/installs/{installId} (staff, DESIGN.md §11): rename, decommission or reactivate. */
import { patchInstallRequest } from '../domain/installs.js';
import { httpHandler } from '../http/httpHandler.js';
import { jsonBody } from '../http/jsonBody.js';
import { parseRequest } from '../http/parseRequest.js';
import { actorOf, pathParameter } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import { installView } from '../services/installView.js';
import { flushAuthorizerCache } from '../store/authorizerCache.js';
import { patchInstall } from '../store/installLifecycle.js';

export const handler = httpHandler('patchInstall', async ({ event, caller, now, clients }) => {
  const installId = pathParameter(event, 'installId');
  const request = parseRequest(patchInstallRequest, jsonBody(event));
  await patchInstall(clients, installId, request, actorOf(caller), now);
  // A decommissioned install's key is refused on its next request, not when the gateway's cache expires.
  if (request.status !== undefined) await flushAuthorizerCache(clients);
  return jsonResponse(200, await installView(clients, installId));
});
