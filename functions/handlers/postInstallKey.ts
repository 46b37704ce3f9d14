/** POST /v1/installs/{installId}/keys (staff): rotates the install's key; the old one stops working. */
import { httpHandler } from '../http/httpHandler.js';
import { pathParameter } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import { rotateInstallKey } from '../store/installs.js';

export const handler = httpHandler('postInstallKey', async ({ event, now, clients }) => {
  const apiKey = await rotateInstallKey(clients, pathParameter(event, 'installId'), now);
  return jsonResponse(201, { apiKey });
});
