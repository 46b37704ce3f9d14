/** POST /v1/installs (staff): registers an install and shows its API key once. */
import { createInstallRequest } from '../domain/installs.js';
import { httpHandler } from '../http/httpHandler.js';
import { parseRequest } from '../http/parseRequest.js';
import { jsonBody } from '../http/jsonBody.js';
import { actorOf } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import { createInstall } from '../store/installs.js';

export const handler = httpHandler('postInstall', async ({ event, caller, now, clients }) => {
  const request = parseRequest(createInstallRequest, jsonBody(event));
  const { install, apiKey } = await createInstall(clients, request, now, actorOf(caller));
  return jsonResponse(
    201,
    { installId: install.installId, customerId: install.customerId, name: install.name, apiKey },
    { location: `/v1/installs/${install.installId}` },
  );
});
