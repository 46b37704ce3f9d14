/** An install as GET /v1/installs/{installId} and PATCH answer it: the record and its latest summaries. */
import type { Clients } from '../store/clients.js';
import { requireInstall } from '../store/installs.js';
import { listLatest } from '../store/uploadLog.js';

export async function installView(c: Clients, installId: string) {
  const [install, latest] = await Promise.all([requireInstall(c, installId, true), listLatest(c, installId)]);
  const queries = Object.fromEntries(
    latest
      .sort((a, b) => (a.queryType < b.queryType ? -1 : 1))
      .map((l) => [l.queryType, { collectedAt: l.collectedAt, uploadId: l.uploadId, recordCount: l.recordCount, summary: l.summary }]),
  );
  return {
    installId: install.installId,
    customerId: install.customerId,
    name: install.name,
    createdAt: install.createdAt,
    lastSeenAt: install.lastSeenAt,
    usageCollection: { enabled: install.usageCollectionEnabled },
    status: install.status,
    queries,
  };
}
