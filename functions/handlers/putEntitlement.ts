/** PUT /v1/customers/{customerId}/entitlements/{entitlementId} (staff): records what a customer bought. */
import { entitlementRequest } from '../domain/entitlements.js';
import { entitlementOfPath } from '../http/customerPath.js';
import { httpHandler } from '../http/httpHandler.js';
import { jsonBody } from '../http/jsonBody.js';
import { parseRequest } from '../http/parseRequest.js';
import { actorOf } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import { putEntitlement } from '../services/entitlements.js';

export const handler = httpHandler('putEntitlement', async ({ event, caller, now, clients }) => {
  const { customerId, entitlementId } = entitlementOfPath(event);
  const body = parseRequest(entitlementRequest, jsonBody(event));
  const { entitlement, created } = await putEntitlement(clients, { customerId, entitlementId, body, actor: actorOf(caller), now });
  return jsonResponse(created ? 201 : 200, entitlement);
});
