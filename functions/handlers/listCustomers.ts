/** GET /v1/customers?prefix=&limit=&cursor= (staff, DESIGN.md §10): customers by id, one page. */
import * as z from 'zod/mini';
import { httpHandler } from '../http/httpHandler.js';
import { pageOf } from '../http/pagination.js';
import { parseRequest } from '../http/parseRequest.js';
import { jsonResponse } from '../http/response.js';
import { customerListQuery } from '../api/reportQueries.js';
import { listCustomers } from '../store/directory.js';

export const handler = httpHandler('listCustomers', async ({ event, clients }) => {
  const { prefix } = parseRequest(z.object(customerListQuery), { prefix: event.queryStringParameters?.prefix ?? undefined });
  return jsonResponse(200, await listCustomers(clients, prefix === '' ? undefined : prefix, pageOf(event)));
});
