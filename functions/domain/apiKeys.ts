/**
 * API keys: 256 random bits, shown once, stored only as a SHA-256 hash (a fast hash is
 * enough for keys of this entropy; nothing to brute-force). Compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from './roles.js';

const PREFIX: Record<Role, string> = { install: 'mpai_', staff: 'mpas_' };
const KEY_FORMAT = /^mpa[is]_[A-Za-z0-9_-]{43}$/;

export function generateApiKey(role: Role): string {
  return PREFIX[role] + randomBytes(32).toString('base64url');
}

/** Whether a presented key could be one of ours (cheap check before any lookup). */
export function isWellFormedApiKey(key: string): boolean {
  return KEY_FORMAT.test(key);
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex digests. */
const SHA256_HEX = /^[0-9a-f]{64}$/i;

export function sameHash(a: string, b: string): boolean {
  if (!SHA256_HEX.test(a) || !SHA256_HEX.test(b)) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

/** The bearer token of an Authorization header value, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return match?.[1];
}
