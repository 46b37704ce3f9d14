/** GET /v1/audit?actor=&target=&limit=&cursor= (staff, DESIGN.md §11): entries newest first. */
import * as z from 'zod/mini';
import { auditQuery } from '../api/reportQueries.js';
import { httpHandler } from '../http/httpHandler.js';
import { pageOf } from '../http/pagination.js';
import { parseRequest } from '../http/parseRequest.js';
import { jsonResponse } from '../http/response.js';
import { listAudit } from '../store/audit.js';

export const handler = httpHandler('getAudit', async ({ event, clients }) => {
  const params = event.queryStringParameters ?? {};
  const { actor, target } = parseRequest(z.object(auditQuery), { actor: params.actor || undefined, target: params.target || undefined });
  return jsonResponse(200, await listAudit(clients, { ...(actor ? { actor } : {}), ...(target ? { target } : {}) }, pageOf(event)));
});
