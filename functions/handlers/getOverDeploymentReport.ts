/** GET /v1/reports/over-deployment?asOf= (staff): rows over, past grace or unentitled, largest overage first. */
import * as z from 'zod/mini';
import { complianceAsOf } from '../api/reportQueries.js';
import { httpHandler } from '../http/httpHandler.js';
import { parseRequest } from '../http/parseRequest.js';
import { jsonResponse } from '../http/response.js';
import { overDeploymentReport } from '../services/compliance.js';

const query = z.object({ asOf: complianceAsOf });

export const handler = httpHandler('getOverDeploymentReport', async ({ event, now, clients }) => {
  const { asOf: asOfParam } = parseRequest(query, { asOf: event.queryStringParameters?.asOf });
  return jsonResponse(200, { items: await overDeploymentReport(clients, asOfParam ?? now.toISOString().slice(0, 10)) });
});
