/** GET /v1/reports/digest?asOf= (staff, DESIGN.md §11): what changed for the worse in the day before asOf. */
import * as z from 'zod/mini';
import { digestQuery } from '../api/reportQueries.js';
import { httpHandler } from '../http/httpHandler.js';
import { parseRequest } from '../http/parseRequest.js';
import { jsonResponse } from '../http/response.js';
import { digest } from '../services/digest.js';

export const handler = httpHandler('getDigestReport', async ({ event, now, clients }) => {
  const { asOf } = parseRequest(z.object(digestQuery), { asOf: event.queryStringParameters?.asOf || undefined });
  return jsonResponse(200, await digest(clients, asOf ? new Date(asOf) : now));
});
