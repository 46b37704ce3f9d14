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

export type UploadOutcome = 'accepted' | 'duplicate' | 'rejected';
