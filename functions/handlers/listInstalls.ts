/** GET /v1/installs?customerId=&limit=&cursor= (staff, DESIGN.md §10): installs by customer, then name. */
import * as z from 'zod/mini';
import { httpHandler } from '../http/httpHandler.js';
import { pageOf } from '../http/pagination.js';
import { parseRequest } from '../http/parseRequest.js';
import { jsonResponse } from '../http/response.js';
import { installListQuery } from '../api/reportQueries.js';
import { listInstalls } from '../store/directory.js';

export const handler = httpHandler('listInstalls', async ({ event, clients }) => {
  const { customerId } = parseRequest(z.object(installListQuery), { customerId: event.queryStringParameters?.customerId || undefined });
  return jsonResponse(200, await listInstalls(clients, customerId, pageOf(event)));
});
