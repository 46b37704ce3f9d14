/** GET /v1/customers/{customerId}/entitlements (staff): every entitlement of the customer. */
import { customerOfPath } from '../http/customerPath.js';
import { httpHandler } from '../http/httpHandler.js';
import { jsonResponse } from '../http/response.js';
import { customerEntitlements } from '../services/compliance.js';

export const handler = httpHandler('listEntitlements', async ({ event, clients }) => {
  const customerId = customerOfPath(event);
  return jsonResponse(200, { items: await customerEntitlements(clients, customerId) });
});
