/**
 * Observability for the handlers: Powertools logger (structured JSON, correlation id = API
 * Gateway request id) and metrics (CloudWatch EMF), as process-wide singletons, plus the
 * middy middlewares that wire them into a handler.
 *
 * Traces come from Lambda's and API Gateway's active tracing (lib/defaults), not from an
 * X-Ray SDK in the function: the Powertools tracer bundled aws-xray-sdk-core into every
 * function and slowed every cold start for one handler subsegment (docs/decisions.md, "Operations").
 *
 * Safe outside Lambda (local server, jest): metrics are disabled outside Lambda unless
 * POWERTOOLS_METRICS_DISABLED=false; under jest the logger is silent unless LOG_LEVEL /
 * POWERTOOLS_LOG_LEVEL is set.
 *
 * Secrets: events are never logged (logEvent: false; they carry the Authorization header
 * and upload bodies).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MiddlewareObj } from '@middy/core';
import { lazy } from '../domain/lazy.js';
import { problemCodes } from '../domain/problems.js';
import { AUTHORIZER_CACHE_FLUSH_FAILURES_METRIC, AUTHORIZER_FAILURES_METRIC, METRICS_NAMESPACE, SERVICE_NAME, type UploadOutcome, uploadMetrics } from './metricNames.js';

export { AUTHORIZER_CACHE_FLUSH_FAILURES_METRIC, AUTHORIZER_FAILURES_METRIC, METRICS_NAMESPACE, SERVICE_NAME, type UploadOutcome, uploadMetrics } from './metricNames.js';

const env = process.env;
const inLambda = env.AWS_LAMBDA_FUNCTION_NAME !== undefined;

// EMF lines on stdout are metrics only inside Lambda; elsewhere they are noise.
if (!inLambda && env.POWERTOOLS_METRICS_DISABLED === undefined) env.POWERTOOLS_METRICS_DISABLED = 'true';

const serviceName = env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME;
const namespace = env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE;
const silentUnderJest =
  env.JEST_WORKER_ID !== undefined && env.LOG_LEVEL === undefined && env.POWERTOOLS_LOG_LEVEL === undefined;

/** API Gateway REST request id: the correlation id of API handlers and the authorizer. */
export const API_GATEWAY_REQUEST_ID = 'requestContext.requestId';

/**
 * Dotted-path lookup standing in for JMESPath (the optional @aws-lambda-powertools/jmespath
 * package is not installed; plain paths are all the handlers need).
 */
export function searchPath(expression: string, data: unknown): unknown {
  let value: unknown = data;
  for (const part of expression.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

export const logger = new Logger({
  serviceName,
  correlationIdSearchFn: searchPath,
  ...(silentUnderJest ? { logLevel: 'SILENT' } : {}),
});
export const metrics = new Metrics({ serviceName, namespace, logger });

export interface ObservabilityOptions {
  /**
   * Dotted path of the correlation id in the event; default the API Gateway request id.
   * `false` for events without one (e.g. SQS batches).
   */
  correlationIdPath?: string | false;
}

// Powertools returns middy-compatible objects typed by its own commons package; these work on
// any handler's event and result, so they are typed for none in particular.
type AnyMiddleware = MiddlewareObj<unknown, unknown, Error, unknown>;

/**
 * The middlewares for a handler, in order: logger context (+ correlation id, keys reset per
 * invocation), metrics (published after the
 * handler only when any were added, so no "No application metrics" warning per request;
 * cold-start metric in Lambda).
 */
export function observability(options: ObservabilityOptions = {}): AnyMiddleware[] {
  const correlationIdPath = options.correlationIdPath ?? API_GATEWAY_REQUEST_ID;
  const emf = logMetrics(metrics, { throwOnEmptyMetrics: false, captureColdStartMetric: inLambda }) as AnyMiddleware;
  const publishIfAny = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return [
    injectLambdaContext(logger, {
      logEvent: false,
      resetKeys: true,
      ...(correlationIdPath ? { correlationIdPath } : {}),
    }) as AnyMiddleware,
    { before: emf.before, after: publishIfAny, onError: publishIfAny } as AnyMiddleware,
  ];
}

/**
 * The instance behind every one-document metric (an upload's, an authorizer failure's): reused,
 * where a Metrics made per document (its own Console, the environment read again) cost about
 * 0.2 ms of CPU per upload, a twentieth of a small upload's (bench/HISTORY.md). A document is
 * filled and published in one synchronous turn, and publishing clears its metrics and
 * dimensions, so two documents never mix, however many uploads are under way.
 */
const documentMetrics = lazy(() => new Metrics({ serviceName, namespace, logger }));

/**
 * Publishes one EMF document of what `fill` adds; a fill that throws leaves nothing behind for
 * the next. The instance is made at the first document, not at import (a cold start's cost), and
 * reads its settings (POWERTOOLS_METRICS_DISABLED, POWERTOOLS_DEV) then, once.
 */
function publishDocument(fill: (document: Metrics) => void): void {
  const document = documentMetrics();
  try {
    fill(document);
  } catch (error) {
    document.clearMetrics();
    document.clearDimensions();
    document.clearMetadata();
    throw error;
  }
  document.publishStoredMetrics();
}

const knownCodes = new Set<string>(problemCodes);
/** Query types are kebab-case words; anything else becomes "unknown" (bounded metric cardinality). */
const queryTypeShape = /^[a-z]+(?:-[a-z]+){0,5}$/;

/**
 * One EMF document per upload: `Uploads` (1), `UploadRecords`, `UploadBytes`, with the
 * dimensions service, queryType, outcome and, for rejections, code.
 *
 * Pass only validated query types: a type that failed validation (unknown_query_type) is
 * recorded as "unknown" so clients cannot create metrics at will.
 */
export function recordUploadMetric(
  outcome: UploadOutcome,
  queryType: string,
  code?: string,
  records?: number,
  bytes?: number,
): void {
  try {
    const safeType = code !== 'unknown_query_type' && queryTypeShape.test(queryType) ? queryType : 'unknown';
    publishDocument((document) => {
      document.addDimensions({
        queryType: safeType,
        outcome,
        ...(outcome === 'rejected' ? { code: code !== undefined && knownCodes.has(code) ? code : 'other' } : {}),
      });
      document.addMetric(uploadMetrics.uploads, MetricUnit.Count, 1);
      if (records !== undefined && Number.isFinite(records)) document.addMetric(uploadMetrics.records, MetricUnit.Count, records);
      if (bytes !== undefined && Number.isFinite(bytes)) document.addMetric(uploadMetrics.bytes, MetricUnit.Bytes, bytes);
    });
  } catch (error) {
    // Metrics never fail an upload.
    logger.warn('upload metric not recorded', { error: (error as Error).message });
  }
}

/**
 * One EMF document counting a failure of the authorizer to decide (AUTHORIZER_FAILURES_METRIC),
 * with the error's name only; the alarm on it (lib/constructs/operations.ts) sees storage
 * failures, not the wrong keys that Lambda's own Errors metric counts as well.
 */
export function recordAuthorizerFailure(error: unknown): void {
  try {
    publishDocument((document) => document.addMetric(AUTHORIZER_FAILURES_METRIC, MetricUnit.Count, 1));
    logger.error('authorizer failed', { error: { name: (error as Error)?.name, message: (error as Error)?.message } });
  } catch {
    // Metrics never change the authorizer's answer.
  }
}

/**
 * One EMF document counting a failed flush of the authorizer cache
 * (AUTHORIZER_CACHE_FLUSH_FAILURES_METRIC), and an error log with the error's name and message
 * only (never a key: the flush request carries none).
 */
export function recordAuthorizerCacheFlushFailure(error: unknown): void {
  try {
    publishDocument((document) => document.addMetric(AUTHORIZER_CACHE_FLUSH_FAILURES_METRIC, MetricUnit.Count, 1));
    logger.error('authorizer cache not flushed: a revoked key may pass until the cache expires', {
      error: { name: (error as Error)?.name, message: (error as Error)?.message },
    });
  } catch {
    // Metrics never change the answer of a committed change.
  }
}
