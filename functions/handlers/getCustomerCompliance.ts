/** GET /v1/customers/{customerId}/compliance?asOf= (staff): entitlements against reported usage. */
import * as z from 'zod/mini';
import { complianceAsOf } from '../api/reportQueries.js';
import { customerOfPath } from '../http/customerPath.js';
import { httpHandler } from '../http/httpHandler.js';
import { parseRequest } from '../http/parseRequest.js';
import { jsonResponse } from '../http/response.js';
import { customerCompliance } from '../services/compliance.js';

const query = z.object({ asOf: complianceAsOf });

export const handler = httpHandler('getCustomerCompliance', async ({ event, now, clients }) => {
  const customerId = customerOfPath(event);
  const { asOf: asOfParam } = parseRequest(query, { asOf: event.queryStringParameters?.asOf });
  const asOf = asOfParam ?? now.toISOString().slice(0, 10);
  return jsonResponse(200, { customerId, asOf, items: await customerCompliance(clients, customerId, asOf) });
});
