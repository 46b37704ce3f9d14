/**
 * GET /v1/reports/duplicate-identifiers?limit=&cursor= (staff): ARIDs, hardware ids and serial
 * numbers in the latest devices snapshot of more than one install (possible double licensing).
 */
import { parseIdentifierKey } from '../domain/fleetIndexes.js';
import { httpHandler } from '../http/httpHandler.js';
import { pageOf } from '../http/pagination.js';
import { jsonResponse } from '../http/response.js';
import { customersOf, duplicateIdentifiers } from '../store/fleetIndexes.js';

export const handler = httpHandler('getDuplicateIdentifiersReport', async ({ event, clients }) => {
  const page = await duplicateIdentifiers(clients, pageOf(event));
  const customers = await customersOf(clients, page.items.flatMap((row) => row.installIds));
  return jsonResponse(200, {
    items: page.items.map((row) => ({
      ...parseIdentifierKey(row.identifier),
      installs: row.installIds.map((installId) => ({ installId, customerId: customers.get(installId) ?? null })),
    })),
    nextCursor: page.nextCursor,
  });
});
