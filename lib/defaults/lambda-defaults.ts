/**
 * Secure, production defaults for Lambda functions (the house style of lib/constructs/serviceFunction.ts).
 */
import { Duration } from 'aws-cdk-lib';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../functions/observability/metricNames.js';
import { Charset, LogLevel, OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/** Node.js 24 (the runtime the code is written and tested for). */
export const nodeRuntime: Runtime = Runtime.NODEJS_24_X;
export const nodeTarget = 'node24';

/**
 * ESM bundles can still contain CommonJS dependencies (parts of the AWS SDK, yauzl) that call
 * `require`; this banner gives them one.
 */
export const esmRequireBanner = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * esbuild options for every function.
 *
 * The AWS SDK v3 is bundled (externalModules: []), not taken from the runtime: the
 * runtime's copy changes without notice, and bundling pins the exact versions from
 * package-lock.json that the tests ran against; tree-shaking of the ESM builds
 * (mainFields module first) keeps that cheap. Only Node built-ins stay external.
 */
export const defaultBundling: BundlingOptions = {
  forceDockerBundling: false,
  format: OutputFormat.ESM,
  mainFields: ['module', 'main'],
  target: nodeTarget,
  minify: true,
  sourceMap: true,
  sourceMapMode: SourceMapMode.DEFAULT,
  sourcesContent: false,
  banner: esmRequireBanner,
  bundleAwsSDK: true,
  externalModules: [],
  charset: Charset.UTF8,
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
