/**
 * Secure, production defaults for Lambda functions (the house style of lib/constructs/serviceFunction.ts).
 */
import { Duration } from 'aws-cdk-lib';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../functions/observability/metricNames.js';
import { type BundlingOptions, type Charset, LogLevel, type OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { functionBundleOptions } from './bundleOptions.js';

/** Node.js 24 (the runtime the code is written and tested for). */
export const nodeRuntime: Runtime = Runtime.NODEJS_24_X;

/** esbuild options for every function (./bundleOptions.ts); only Node built-ins stay external. */
export const defaultBundling: BundlingOptions = {
  // Every setting of bundleOptions.ts, so that the deployed bundles and the benchmark's cannot drift apart.
  ...functionBundleOptions,
  format: functionBundleOptions.format as OutputFormat,
  mainFields: [...functionBundleOptions.mainFields],
  charset: functionBundleOptions.charset as Charset,
  forceDockerBundling: false,
  sourceMap: true,
  sourceMapMode: SourceMapMode.DEFAULT,
  sourcesContent: false,
  bundleAwsSDK: true,
  externalModules: [],
  logLevel: LogLevel.WARNING,
};

export const defaultFunctionSettings = {
  runtime: nodeRuntime,
  architecture: Architecture.ARM_64,
  tracing: Tracing.ACTIVE,
  memorySize: 512,
  timeout: Duration.seconds(10),
  loggingFormat: LoggingFormat.JSON,
} as const;

/** Environment every function gets (plus the per-stack variables set by the stack). */
export const defaultEnvironment: Record<string, string> = {
  // Readable stack traces from the minified bundles.
  NODE_OPTIONS: '--enable-source-maps',
  POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
  POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  // Never log events: they carry the Authorization header and upload bodies.
  POWERTOOLS_LOGGER_LOG_EVENT: 'false',
};
