/**
 * API Gateway caches a REQUEST authorizer's answer per Authorization header for the
 * configured TTL (authorizerCacheTtlSeconds, 60 s by default) and serves it to every route;
 * the local server does the same, for AUTHORIZER_CACHE_SECONDS (default: the deployed default,
 * 60; 0 switches the cache off, as a TTL of 0 does on AWS). So a key's answer is cached
 * locally as long as on AWS (until a revocation flushes the cache, there and here), and a cached policy is checked against other routes' method ARNs
 * (functions/local/authorizerPolicy.ts) as API Gateway checks it.
 * Keyed by a hash of the header: the key itself is not kept. `clear` is what API Gateway's
 * FlushStageAuthorizersCache does; the local server answers that request (localApi.ts).
 */
import { createHash } from 'node:crypto';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';

export interface AuthorizerCache {
  get(authorization: string | undefined): APIGatewayAuthorizerResult | undefined;
  set(authorization: string | undefined, result: APIGatewayAuthorizerResult): void;
  /** Forgets every cached answer. */
  clear(): void;
}

/** lib/config.ts's default authorizerCacheTtlSeconds (a CDK test checks that the two agree). */
export const DEPLOYED_AUTHORIZER_CACHE_SECONDS = 60;

export function authorizerCache(seconds = Number(process.env.AUTHORIZER_CACHE_SECONDS ?? DEPLOYED_AUTHORIZER_CACHE_SECONDS)): AuthorizerCache {
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
    clear() {
      entries.clear();
    },
  };
}
