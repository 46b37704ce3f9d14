/** GET /v1/installs/{installId} (staff): the install and the latest summary of each query type. */
import { httpHandler } from '../http/httpHandler.js';
import { pathParameter } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import { requireInstall } from '../store/installs.js';
import { listLatest } from '../store/uploadLog.js';

export const handler = httpHandler('getInstall', async ({ event, clients }) => {
  const installId = pathParameter(event, 'installId');
  const [install, latest] = await Promise.all([requireInstall(clients, installId), listLatest(clients, installId)]);
  const queries = Object.fromEntries(
    latest
      .sort((a, b) => (a.queryType < b.queryType ? -1 : 1))
      .map((l) => [l.queryType, { collectedAt: l.collectedAt, uploadId: l.uploadId, recordCount: l.recordCount, summary: l.summary }]),
  );
  return jsonResponse(200, {
    installId: install.installId,
    customerId: install.customerId,
    name: install.name,
    createdAt: install.createdAt,
    lastSeenAt: install.lastSeenAt,
    usageCollection: { enabled: install.usageCollectionEnabled },
    queries,
  });
});
