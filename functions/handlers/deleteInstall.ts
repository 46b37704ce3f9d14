/** DELETE /v1/installs/{installId} (staff, DESIGN.md §11): every trace but the audit; idempotent and resumable. */
import { httpHandler } from '../http/httpHandler.js';
import { actorOf, pathParameter } from '../http/request.js';
import { installId as installIdSchema } from '../api/identifiers.js';
import { ProblemError } from '../domain/problems.js';
import { purgeInstall } from '../services/installPurge.js';
import { flushAuthorizerCache } from '../store/authorizerCache.js';

export const handler = httpHandler('deleteInstall', async ({ event, caller, now, clients }) => {
  const installId = pathParameter(event, 'installId');
  if (!installIdSchema.safeParse(installId).success) throw new ProblemError('not_found', 'There is no such install (install ids are UUIDs).');
  // Deleting an install that is already gone is done: 204 either way, so a retry is safe.
  try {
    await purgeInstall(clients, installId, actorOf(caller), now);
  } finally {
    // The deleted install's key is refused on its next request, not when the gateway's cache
    // expires; also after an interrupted purge, whose first step deleted the key already.
    await flushAuthorizerCache(clients);
  }
  return { statusCode: 204, headers: {}, body: '' };
});
