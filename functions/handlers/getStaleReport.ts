/** GET /v1/reports/stale?days=2&asOf=&limit=&cursor= (staff): installs with no accepted upload lately. */
import * as z from 'zod/mini';
import { staleCutoff } from '../domain/reports.js';
import { staleReportQuery } from '../api/reportQueries.js';
import { httpHandler } from '../http/httpHandler.js';
import { pageOf } from '../http/pagination.js';
import { parseRequest } from '../http/parseRequest.js';
import { jsonResponse } from '../http/response.js';
import { staleInstalls } from '../store/reports.js';

const query = z.object(staleReportQuery);

export const handler = httpHandler('getStaleReport', async ({ event, now, clients }) => {
  const params = event.queryStringParameters ?? {};
  const { days, asOf } = parseRequest(query, { days: params.days, asOf: params.asOf });
  const cutoff = staleCutoff(asOf ? new Date(asOf) : now, days);
  return jsonResponse(200, await staleInstalls(clients, cutoff, pageOf(event)));
});
