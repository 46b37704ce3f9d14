/** GET /v1/reports/expiring?withinDays=30&asOf=&limit=&cursor= (staff): installs whose licenses end soon. */
import * as z from 'zod/mini';
import { addDays } from '../domain/calendarDates.js';
import { expiringInstalls } from '../domain/reports.js';
import { expiringReportQuery } from '../api/reportQueries.js';
import { httpHandler } from '../http/httpHandler.js';
import { pageOf, pageOfSorted } from '../http/pagination.js';
import { parseRequest } from '../http/parseRequest.js';
import { jsonResponse } from '../http/response.js';
import { expiryCandidates } from '../store/reports.js';

const query = z.object(expiringReportQuery);

export const handler = httpHandler('getExpiringReport', async ({ event, now, clients }) => {
  const params = event.queryStringParameters ?? {};
  const { withinDays, asOf: asOfParam } = parseRequest(query, { withinDays: params.withinDays, asOf: params.asOf });
  const page = pageOf(event);
  const asOf = asOfParam ?? now.toISOString().slice(0, 10);
  const candidates = await expiryCandidates(clients, addDays(asOf, withinDays));
  const items = expiringInstalls(candidates, asOf, withinDays);
  return jsonResponse(200, pageOfSorted(items, page, (item) => `${item.firstUnlicensedOn}#${item.installId}`));
});
