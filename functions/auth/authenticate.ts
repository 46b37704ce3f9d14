/**
 * Who is calling: an Authorization header to a role (and install), or nobody.
 * Keys are looked up by their SHA-256; the staff key from the environment (local server)
 * is compared in constant time. Only the exact roles `install` and `staff` admit: a key item of
 * any other role (or an install key without its install) is refused, never taken for staff.
 */
import { bearerToken, hashApiKey, isWellFormedApiKey, sameHash } from '../domain/apiKeys.js';
import { LOCAL_ADMIN } from '../domain/roles.js';
import type { Caller } from '../http/request.js';
import type { Clients } from '../store/clients.js';
import { findApiKey } from '../store/installs.js';

export async function authenticate(c: Clients, authorization: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<Caller | undefined> {
  const key = bearerToken(authorization);
  if (key === undefined || key.length > 512) return undefined;
  const keyHash = hashApiKey(key);
  const staffKey = env.STAFF_API_KEY;
  if (staffKey && sameHash(keyHash, hashApiKey(staffKey))) return { role: 'staff', name: LOCAL_ADMIN };
  if (!isWellFormedApiKey(key)) return undefined;
  const found = await findApiKey(c, keyHash);
  // Only the exact roles `staff` and `install` (with its install) admit; anything else is nobody.
  if (found?.role === 'staff') return { role: 'staff', name: found.name ?? LOCAL_ADMIN, ...(found.keyId ? { keyId: found.keyId } : {}) };
  if (found?.role !== 'install' || typeof found.installId !== 'string' || found.installId === '') return undefined;
  return { role: 'install', installId: found.installId, ...(found.customerId ? { customerId: found.customerId } : {}) };
}
