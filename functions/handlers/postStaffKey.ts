/** POST /v1/staff-keys (staff, DESIGN.md §11): a named staff key, shown once. */
import { createStaffKeyRequest } from '../domain/staffKeys.js';
import { httpHandler } from '../http/httpHandler.js';
import { jsonBody } from '../http/jsonBody.js';
import { parseRequest } from '../http/parseRequest.js';
import { actorOf } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import { createStaffKey } from '../store/staffKeys.js';

export const handler = httpHandler('postStaffKey', async ({ event, caller, now, clients }) => {
  const request = parseRequest(createStaffKeyRequest, jsonBody(event));
  return jsonResponse(201, await createStaffKey(clients, request, actorOf(caller), now));
});
