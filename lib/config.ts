/**
 * Deployment configuration: one resolved, validated object per stage.
 *
 * Every setting is looked up, first match wins, in:
 *   1. CDK context given on the command line (`npx cdk deploy -c stage=prod -c logRetentionDays=90`),
 *   2. an environment variable `MPA_<SETTING_IN_SCREAMING_SNAKE_CASE>` (e.g. `MPA_ALARM_EMAIL`),
 *   3. the stage's block in cdk.json (`context.stages.<stage>`),
 *   4. the built-in defaults below (secure, production-grade).
 * Context values given with `-c` are strings; they are parsed and validated here, so a
 * typo fails the synth instead of deploying something unintended.
 */
import type { Construct } from 'constructs';
import { DEFAULT_TIMEOUT_EARLY_MS } from '../functions/observability/timeoutEarly.js';

/** CloudWatch Logs retention values accepted by the service. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export interface StageConfig {
  /** Stage name: part of the stack name, tags, API stage name. */
  stage: string;
  /** Retention of Lambda, API access-log and execution-log groups. */
  logRetentionDays: number;
  /** Browser origins allowed by CORS (API and presigned PUTs); empty: no CORS at all. */
  allowedOrigins: string[];
  /** Stage-wide steady-state request rate (requests/s) and burst. */
  throttleRateLimit: number;
  throttleBurstLimit: number;
  /**
   * Per-method limits for the upload routes (POST /v1/uploads/..., bundles, sessions). The burst
   * is at most uploadReservedConcurrency (when set): a request beyond what the functions can run
   * is throttled by Lambda, which API Gateway answers 500, not 429.
   */
  uploadRateLimit: number;
  uploadBurstLimit: number;
  /** Per-method limits for staff routes. */
  staffRateLimit: number;
  staffBurstLimit: number;
  /** Reserved concurrency of the upload handler; 0: no reservation (shares the account pool). */
  uploadReservedConcurrency: number;
  /** Upper bound of concurrent processor invocations fed by the incoming queue (2..1000). */
  processorMaxConcurrency: number;
  /** Authorizer result cache TTL in seconds (0..3600); revocations flush it, and should a flush fail the old key keeps working up to this long. */
  authorizerCacheTtlSeconds: number;
  /** DynamoDB deletion protection plus RETAIN removal policy on stateful resources. */
  deletionProtection: boolean;
  /** Use one customer-managed KMS key (rotated yearly) for the table and the buckets that allow it. */
  customerManagedKey: boolean;
  /** Associate a WAFv2 web ACL (per-IP rate limit, AWS IP reputation list, known bad inputs). */
  waf: boolean;
  /** WAF per-IP request limit per 5-minute window. */
  wafRateLimitPer5Min: number;
  /** WAF per-API-key request limit per 5-minute window (requests aggregated by their Authorization header). */
  wafRateLimitPerKeyPer5Min: number;
  /** Create the account-level API Gateway CloudWatch role (needed once per account and region for access/execution logs). */
  apiGatewayCloudWatchRole: boolean;
  /** Optional e-mail address subscribed to the alarm topic. */
  alarmEmail: string | undefined;
  /** E-mail addresses subscribed to the daily digest topic (DESIGN.md §11). */
  digestEmails: string[];
  /** Raw archive lifecycle. */
  rawIntelligentTieringAfterDays: number;
  rawGlacierIrAfterDays: number;
  rawNoncurrentVersionExpiryDays: number;
  /** Unprocessed presigned uploads under incoming/ expire after this many days. */
  incomingExpiryDays: number;
  /** S3 server access logs are kept this long. */
  accessLogExpiryDays: number;
  /** Handler log level (Powertools): DEBUG, INFO, WARN, ERROR. */
  logLevel: string;
  /** Handlers answer this many ms before the Lambda timeout (env TIMEOUT_EARLY_MS). */
  timeoutEarlyMs: number;
}

export const defaultConfig: Omit<StageConfig, 'stage'> = {
  logRetentionDays: 365,
  allowedOrigins: [],
  throttleRateLimit: 100,
  throttleBurstLimit: 200,
  uploadRateLimit: 20,
  uploadBurstLimit: 20,
  staffRateLimit: 20,
  staffBurstLimit: 40,
  uploadReservedConcurrency: 20,
  processorMaxConcurrency: 5,
  authorizerCacheTtlSeconds: 60,
  deletionProtection: true,
  customerManagedKey: false,
  waf: true,
  wafRateLimitPer5Min: 3000,
  wafRateLimitPerKeyPer5Min: 1500,
  apiGatewayCloudWatchRole: true,
  alarmEmail: undefined,
  digestEmails: [],
  rawIntelligentTieringAfterDays: 30,
  rawGlacierIrAfterDays: 180,
  rawNoncurrentVersionExpiryDays: 30,
  incomingExpiryDays: 2,
  accessLogExpiryDays: 365,
  logLevel: 'INFO',
  timeoutEarlyMs: DEFAULT_TIMEOUT_EARLY_MS,
};

type Key = keyof StageConfig;
type Raw = Partial<Record<Key, unknown>>;

const envName = (key: string): string => `MPA_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

class ConfigError extends Error {
  constructor(key: string, value: unknown, expected: string) {
    super(`Invalid configuration ${key}=${JSON.stringify(value)}: expected ${expected}`);
    this.name = 'ConfigError';
  }
}

function toInt(key: string, value: unknown, min: number, max: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(key, value, `an integer ${min}..${max}`);
  }
  return n;
}

function toBool(key: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigError(key, value, 'true or false');
}

function toEmails(key: string, value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s !== '') : undefined;
  if (!list) throw new ConfigError(key, value, 'a list or comma-separated string of e-mail addresses');
  for (const email of list) {
    if (typeof email !== 'string' || !/^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/.test(email)) throw new ConfigError(key, email, 'an e-mail address');
  }
  return list as string[];
}

function toOrigins(key: string, value: unknown): string[] {
  const list = Array.isArray(value)
    ? value
    : typeof value === 'string'
      ? value.split(',').map((s) => s.trim()).filter((s) => s !== '')
      : undefined;
  if (!list) throw new ConfigError(key, value, 'a list or comma-separated string of origins');
  for (const origin of list) {
    if (typeof origin !== 'string' || !/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(origin)) {
      throw new ConfigError(key, origin, 'an origin such as https://licensing.example.com (no path, no wildcard)');
    }
  }
  return list as string[];
}

/** Parses one setting's raw value (a string when given with `-c`), or throws its ConfigError. */
type Reader<T> = (key: string, value: unknown) => T;

/** A reader of a whole number from min to max. */
const wholeNumber = (min: number, max: number): Reader<number> => (key, value) => toInt(key, value, min, max);

/**
 * How each setting without a rule of its own in parseConfig is read, and its bounds; checked in
 * this order, so the first wrong setting is the one reported.
 */
const readers = {
  allowedOrigins: toOrigins,
  throttleRateLimit: wholeNumber(1, 10_000),
  throttleBurstLimit: wholeNumber(1, 5_000),
  uploadRateLimit: wholeNumber(1, 10_000),
  uploadBurstLimit: wholeNumber(1, 5_000),
  staffRateLimit: wholeNumber(1, 10_000),
  staffBurstLimit: wholeNumber(1, 5_000),
  uploadReservedConcurrency: wholeNumber(0, 1000),
  processorMaxConcurrency: wholeNumber(2, 1000),
  authorizerCacheTtlSeconds: wholeNumber(0, 3600),
  deletionProtection: toBool,
  customerManagedKey: toBool,
  waf: toBool,
  wafRateLimitPer5Min: wholeNumber(10, 2_000_000_000),
  wafRateLimitPerKeyPer5Min: wholeNumber(10, 2_000_000_000),
  apiGatewayCloudWatchRole: toBool,
  digestEmails: toEmails,
  rawIntelligentTieringAfterDays: wholeNumber(0, 3650),
  rawGlacierIrAfterDays: wholeNumber(1, 3650),
  rawNoncurrentVersionExpiryDays: wholeNumber(1, 3650),
  incomingExpiryDays: wholeNumber(1, 30),
  accessLogExpiryDays: wholeNumber(1, 3650),
  timeoutEarlyMs: wholeNumber(0, 10_000),
} satisfies { [K in Key]?: Reader<StageConfig[K]> };

type ReaderKey = keyof typeof readers;
const readerKeys = Object.keys(readers) as ReaderKey[];

/** Resolve the configuration from raw values (already merged by precedence). */
export function parseConfig(stage: string, raw: Raw): StageConfig {
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(stage)) {
    throw new ConfigError('stage', stage, 'lower-case letters, digits and dashes, starting with a letter, at most 16');
  }
  const pick = <K extends Key>(key: K): unknown => (raw[key] !== undefined ? raw[key] : (defaultConfig as Raw)[key]);
  const retention = toInt('logRetentionDays', pick('logRetentionDays'), 1, 3653);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(retention)) {
    throw new ConfigError('logRetentionDays', retention, `one of ${LOG_RETENTION_DAYS.join(', ')}`);
  }
  const alarmEmail = pick('alarmEmail');
  if (alarmEmail !== undefined && alarmEmail !== '' && (typeof alarmEmail !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail))) {
    throw new ConfigError('alarmEmail', alarmEmail, 'an e-mail address');
  }
  const logLevel = String(pick('logLevel')).toUpperCase();
  if (!['DEBUG', 'INFO', 'WARN', 'ERROR'].includes(logLevel)) throw new ConfigError('logLevel', logLevel, 'DEBUG, INFO, WARN or ERROR');

  // The other settings, each by its reader, in the order of `readers`.
  const read = Object.fromEntries(readerKeys.map((key) => [key, readers[key](key, pick(key))])) as { [K in ReaderKey]: StageConfig[K] };
  const config: StageConfig = {
    stage,
    logRetentionDays: retention,
    ...read,
    alarmEmail: typeof alarmEmail === 'string' && alarmEmail !== '' ? alarmEmail : undefined,
    logLevel,
  };
  if (config.throttleBurstLimit < config.throttleRateLimit / 10) {
    // API Gateway accepts it, but such a small bucket rejects ordinary bursts; almost certainly a typo.
    throw new ConfigError('throttleBurstLimit', config.throttleBurstLimit, 'at least a tenth of throttleRateLimit');
  }
  if (config.uploadReservedConcurrency > 0 && config.uploadBurstLimit > config.uploadReservedConcurrency) {
    // The gateway would let through more requests at once than the functions may run: Lambda
    // throttles the rest, and API Gateway answers a Lambda throttle with 500 instead of 429.
    throw new ConfigError('uploadBurstLimit', config.uploadBurstLimit, `at most uploadReservedConcurrency (${config.uploadReservedConcurrency})`);
  }
  if (config.rawGlacierIrAfterDays <= config.rawIntelligentTieringAfterDays) {
    throw new ConfigError('rawGlacierIrAfterDays', config.rawGlacierIrAfterDays, 'more than rawIntelligentTieringAfterDays');
  }
  return config;
}

/**
 * Read the configuration of the stage named by context `stage` (default `dev`) from a
 * construct's context (see the precedence above).
 */
export function loadConfig(scope: Construct, env: NodeJS.ProcessEnv = process.env): StageConfig {
  const stage = String(scope.node.tryGetContext('stage') ?? env.MPA_STAGE ?? 'dev');
  const stages = (scope.node.tryGetContext('stages') ?? {}) as Record<string, Raw | undefined>;
  const fromStage = stages[stage] ?? {};
  const raw: Raw = {};
  for (const key of [...Object.keys(defaultConfig), ...Object.keys(fromStage)] as Key[]) {
    const fromContext = scope.node.tryGetContext(key);
    const fromEnv = env[envName(key)];
    raw[key] = fromContext ?? fromEnv ?? fromStage[key];
  }
  return parseConfig(stage, raw);
}

export const configEnvName = envName;
