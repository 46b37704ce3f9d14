/** GET /v1/installs/{installId}/uploads?queryType=&limit=&cursor= (staff): receipts, newest first. */
import { parseQueryType } from '../domain/queries/queryTypes.js';
import { httpHandler } from '../http/httpHandler.js';
import { pageOf } from '../http/pagination.js';
import { pathParameter, queryParameter } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import { requireInstall } from '../store/installs.js';
import { listReceipts } from '../store/uploadLog.js';

export const handler = httpHandler('listInstallUploads', async ({ event, clients }) => {
  const installId = pathParameter(event, 'installId');
  const queryTypeParam = queryParameter(event, 'queryType');
  const queryType = queryTypeParam === undefined || queryTypeParam === '' ? undefined : parseQueryType(queryTypeParam);
  const page = pageOf(event);
  await requireInstall(clients, installId);
  return jsonResponse(200, await listReceipts(clients, installId, { ...page, ...(queryType ? { queryType } : {}) }));
});
