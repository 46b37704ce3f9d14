/** DELETE /v1/customers/{customerId}/entitlements/{entitlementId} (staff): removes an entitlement. */
import { entitlementOfPath } from '../http/customerPath.js';
import { httpHandler } from '../http/httpHandler.js';
import { actorOf } from '../http/request.js';
import { noContentResponse } from '../http/response.js';
import { removeEntitlement } from '../services/entitlements.js';

export const handler = httpHandler('deleteEntitlement', async ({ event, caller, now, clients }) => {
  const { customerId, entitlementId } = entitlementOfPath(event);
  await removeEntitlement(clients, { customerId, entitlementId, actor: actorOf(caller), now });
  return noContentResponse();
});
