/**
 * Names of the custom (EMF) metrics, shared by the handlers (functions/observability) and the
 * CDK dashboard (lib/constructs/operations.ts), so the two cannot drift apart. No imports:
 * the CDK app loads this file too.
 */

/** Default CloudWatch namespace (env POWERTOOLS_METRICS_NAMESPACE overrides it). */
export const METRICS_NAMESPACE = 'MpaLicensing';
/** Default Powertools service name (env POWERTOOLS_SERVICE_NAME overrides it); the `service` dimension. */
export const SERVICE_NAME = 'mpa-licensing';

export const uploadMetrics = {
  /** Count of uploads, dimensions service, queryType, outcome (+ code when rejected). */
  uploads: 'Uploads',
  /** Records in the upload. */
  records: 'UploadRecords',
  /** Bytes of the upload as sent. */
  bytes: 'UploadBytes',
} as const;

/**
 * The authorizer could not decide (its key lookup failed: DynamoDB unreachable, throttled,
 * denied): dimension service. Not emitted for a key that is merely wrong, which Lambda counts
 * as an error too (the authorizer throws `Unauthorized` for it), so the alarm sees real failures only.
 */
export const AUTHORIZER_FAILURES_METRIC = 'AuthorizerFailures';

/**
 * A staff write that revokes access (key revoke or rotation, install decommission or delete)
 * committed, but flushing the stage's authorizer cache failed after the SDK's retries, so the
 * old key may pass for up to authorizerCacheTtlSeconds more (docs/decisions.md): dimension service.
 */
export const AUTHORIZER_CACHE_FLUSH_FAILURES_METRIC = 'AuthorizerCacheFlushFailures';

export type UploadOutcome = 'accepted' | 'duplicate' | 'rejected';
