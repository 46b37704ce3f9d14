/**
 * Flushing the API stage's authorizer cache (API Gateway FlushStageAuthorizersCache), so that
 * a key revoked, rotated or retired is refused from the next request on, not after the
 * cache's TTL (DESIGN.md §11 "revoked at once"; docs/decisions.md: on AWS the flush is
 * accepted, 202, and takes effect within moments; an authorizer answer already in flight
 * when it lands may still be cached for one TTL). Called by the handlers
 * after their change committed. Built on first use and kept on the `Clients`, so only the
 * functions that flush bundle @aws-sdk/client-api-gateway (imported statically: esbuild then
 * keeps only the one command; a dynamic import bundled every command, 37 KB more to parse).
 *
 * Locally the client points at the local server (APIGATEWAY_ENDPOINT), which answers the same
 * control-plane request by clearing its own cache; this module does not know that.
 */
import { APIGatewayClient, FlushStageAuthorizersCacheCommand } from '@aws-sdk/client-api-gateway';
import { recordAuthorizerCacheFlushFailure } from '../observability/index.js';
import type { Clients } from './clients.js';
import { type AuthorizerCacheConfig, authorizerCacheConfig } from './config.js';

/** The SDK's standard retry (with backoff and jitter) tries this often before the flush counts as failed. */
export const FLUSH_MAX_ATTEMPTS = 3;

/**
 * The whole flush, retries included, gives up after this long: the change is committed already,
 * and an answer lost to a hanging control plane would lose what it carries (a rotated key is
 * shown once). The handlers' timeout (10 s) leaves room for it.
 */
export const FLUSH_BUDGET_MS = 3_000;

function apiGatewayOf(c: Clients, config: AuthorizerCacheConfig): APIGatewayClient {
  c.apiGatewayIfBuilt ??= new APIGatewayClient({
    region: config.region,
    maxAttempts: FLUSH_MAX_ATTEMPTS,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 1_500 },
    ...(config.apiGatewayEndpoint ? { endpoint: config.apiGatewayEndpoint } : {}),
  });
  return c.apiGatewayIfBuilt;
}

/**
 * Flushes every cached authorizer answer of the stage. The change it follows is committed
 * already, so this never throws: a flush that still fails after FLUSH_MAX_ATTEMPTS is logged
 * and counted (AuthorizerCacheFlushFailures), and the old key passes at most until its cached
 * answer expires. Answers whether the cache was flushed (true also when there is no stage).
 */
export async function flushAuthorizerCache(c: Clients, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const config = authorizerCacheConfig(env);
  if (!config) return true;
  try {
    await apiGatewayOf(c, config).send(new FlushStageAuthorizersCacheCommand({ restApiId: config.restApiId, stageName: config.stageName }), {
      abortSignal: AbortSignal.timeout(FLUSH_BUDGET_MS),
    });
    return true;
  } catch (error) {
    recordAuthorizerCacheFlushFailure(error);
    return false;
  }
}
