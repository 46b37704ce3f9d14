/**
 * Who is calling: an Authorization header to a role (and install), or nobody.
 * Keys are looked up by their SHA-256; the staff key from the environment (local server)
 * is compared in constant time.
 */
import { bearerToken, hashApiKey, isWellFormedApiKey, sameHash } from '../domain/apiKeys.js';
import { LOCAL_ADMIN } from '../domain/staffKeys.js';
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
  if (!found) return undefined;
  if (found.role !== 'install') return { role: 'staff', name: found.name ?? LOCAL_ADMIN, ...(found.keyId ? { keyId: found.keyId } : {}) };
  return { role: 'install', installId: found.installId!, ...(found.customerId ? { customerId: found.customerId } : {}) };
}
