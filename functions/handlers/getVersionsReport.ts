/**
 * GET /v1/reports/versions?deviceType=&limit=&cursor= (staff): the fleet-wide spread of device
 * software versions by device type, from each install's latest devices and device-versions.
 */
import * as z from 'zod/mini';
import { versionsReportDeviceType } from '../api/reportQueries.js';
import { fleetVersions, versionRowKey } from '../domain/fleetIndexes.js';
import { httpHandler } from '../http/httpHandler.js';
import { pageOf, pageOfSorted } from '../http/pagination.js';
import { parseRequest } from '../http/parseRequest.js';
import { jsonResponse } from '../http/response.js';
import { allVersionHistograms } from '../store/fleetIndexes.js';

const query = z.object({ deviceType: versionsReportDeviceType });

export const handler = httpHandler('getVersionsReport', async ({ event, clients }) => {
  const { deviceType } = parseRequest(query, { deviceType: event.queryStringParameters?.deviceType });
  const rows = fleetVersions(await allVersionHistograms(clients)).filter((row) => deviceType === undefined || row.deviceType === deviceType);
  // Pages resume after the row the cursor names, in the report's order (versionRowKey).
  const page = pageOfSorted(rows, pageOf(event), versionRowKey);
  return jsonResponse(200, { items: page.items, nextCursor: page.nextCursor });
});
