/** GET /v1/customers/{customerId}/license-state?asOf= (staff): the roll-up over the customer's installs. */
import * as z from 'zod/mini';
import { rollUpCustomer } from '../domain/customerLicenseState.js';
import { ProblemError } from '../domain/problems.js';
import { licenseStateAsOf } from '../api/reportQueries.js';
import { httpHandler } from '../http/httpHandler.js';
import { parseRequest } from '../http/parseRequest.js';
import { pathParameter } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import { customerShares } from '../store/reports.js';

const query = z.object({ asOf: licenseStateAsOf });

export const handler = httpHandler('getCustomerLicenseState', async ({ event, now, clients }) => {
  const customerId = pathParameter(event, 'customerId');
  const { asOf } = parseRequest(query, { asOf: event.queryStringParameters?.asOf });
  const { installs, shares } = await customerShares(clients, customerId);
  if (installs === 0) throw new ProblemError('not_found', `There is no customer '${customerId.slice(0, 128)}' with a registered install.`);
  return jsonResponse(200, rollUpCustomer(customerId, installs, shares, asOf ?? now.toISOString().slice(0, 10)));
});
