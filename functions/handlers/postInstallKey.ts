/** POST /v1/installs/{installId}/keys (staff): rotates the install's key; the old one stops working. */
import { httpHandler } from '../http/httpHandler.js';
import { actorOf, pathParameter } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import { flushAuthorizerCache } from '../store/authorizerCache.js';
import { rotateInstallKey } from '../store/installs.js';

export const handler = httpHandler('postInstallKey', async ({ event, caller, now, clients }) => {
  const apiKey = await rotateInstallKey(clients, pathParameter(event, 'installId'), now, actorOf(caller));
  // The old key stops working at once: the gateway's cached answer for it goes too.
  await flushAuthorizerCache(clients);
  return jsonResponse(201, { apiKey });
});
