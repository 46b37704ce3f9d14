/**
 * API Gateway caches a REQUEST authorizer's answer per Authorization header for the
 * configured TTL (60 s as deployed); the local server can do the same, set by
 * AUTHORIZER_CACHE_SECONDS (default 0: no cache, so a rotated key stops working at once).
 * Keyed by a hash of the header: the key itself is not kept.
 */
import { createHash } from 'node:crypto';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';

export interface AuthorizerCache {
  get(authorization: string | undefined): APIGatewayAuthorizerResult | undefined;
  set(authorization: string | undefined, result: APIGatewayAuthorizerResult): void;
}

export function authorizerCache(seconds = Number(process.env.AUTHORIZER_CACHE_SECONDS ?? 0)): AuthorizerCache {
  const entries = new Map<string, { result: APIGatewayAuthorizerResult; expires: number }>();
  const keyOf = (authorization: string | undefined) => createHash('sha256').update(authorization ?? '').digest('base64');
  return {
    get(authorization) {
      if (!(seconds > 0)) return undefined;
      const entry = entries.get(keyOf(authorization));
      return entry && entry.expires > Date.now() ? entry.result : undefined;
    },
    set(authorization, result) {
      if (!(seconds > 0)) return;
      if (entries.size > 10_000) entries.clear();
      entries.set(keyOf(authorization), { result, expires: Date.now() + seconds * 1000 });
    },
  };
}
