/** DELETE /v1/staff-keys/{keyId} (staff, DESIGN.md §11): revoked at once; a key cannot revoke itself. */
import { httpHandler } from '../http/httpHandler.js';
import { actorOf, pathParameter } from '../http/request.js';
import { flushAuthorizerCache } from '../store/authorizerCache.js';
import { revokeStaffKey } from '../store/staffKeys.js';

export const handler = httpHandler('deleteStaffKey', async ({ event, caller, now, clients }) => {
  const keyId = pathParameter(event, 'keyId');
  await revokeStaffKey(clients, keyId.slice(0, 64), { keyId: caller.keyId, actor: actorOf(caller) }, now);
  // Revoked at once: the gateway's cached answer for the key goes too (docs/decisions.md).
  await flushAuthorizerCache(clients);
  return { statusCode: 204, headers: {}, body: '' };
});
