/**
 * Per-caller rate limiting for the local server: one token bucket per API key (by its
 * SHA-256, so no key is kept in memory longer than a request) or, for requests without a
 * valid key, per source IP. A request that finds its bucket empty is answered
 * `429 throttled` with `Retry-After` (whole seconds until a token is back).
 *
 * On AWS the same job is done by API Gateway's stage and method throttles and the WAF
 * rate-based rules (per Authorization header and per IP); see docs/reliability.md.
 *
 * Configured by RATE_LIMIT_PER_SECOND (tokens added per second, default 50; 0 switches
 * limiting off) and RATE_LIMIT_BURST (bucket size, default 100).
 */

export interface RateLimitOptions {
  /** Steady rate, tokens per second (> 0). */
  perSecond: number;
  /** Bucket size: how many requests may arrive at once (>= 1). */
  burst: number;
  /** Buckets kept before idle (full) ones are dropped; default 10,000. */
  maxBuckets?: number;
  /** Clock in milliseconds; injectable for tests. */
  now?: () => number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

export const DEFAULT_RATE_LIMIT = { perSecond: 50, burst: 100 } as const;

export class RateLimiter {
  readonly perSecond: number;
  readonly burst: number;
  private readonly maxBuckets: number;
  private readonly now: () => number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: RateLimitOptions) {
    if (!(options.perSecond > 0) || !Number.isFinite(options.perSecond)) throw new RangeError('perSecond must be a positive number');
    if (!(options.burst >= 1) || !Number.isFinite(options.burst)) throw new RangeError('burst must be at least 1');
    this.perSecond = options.perSecond;
    this.burst = options.burst;
    this.maxBuckets = options.maxBuckets ?? 10_000;
    this.now = options.now ?? (() => performance.now());
  }

  /** Takes one token from the caller's bucket, or says how long to wait for one. */
  take(caller: string): RateDecision {
    const now = this.now();
    const bucket = this.refilled(this.buckets.get(caller), now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.store(caller, bucket, now);
      return { allowed: true };
    }
    this.store(caller, bucket, now);
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond)) };
  }

  /** Buckets currently kept (for tests). */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(bucket: Bucket | undefined, now: number): Bucket {
    if (!bucket) return { tokens: this.burst, at: now };
    const elapsedSeconds = Math.max(0, now - bucket.at) / 1000;
    return { tokens: Math.min(this.burst, bucket.tokens + elapsedSeconds * this.perSecond), at: now };
  }

  private store(caller: string, bucket: Bucket, now: number): void {
    this.buckets.set(caller, bucket);
    if (this.buckets.size <= this.maxBuckets) return;
    // A bucket that has refilled is the same as none: drop those, then the oldest if still too many.
    for (const [key, value] of this.buckets) {
      if (this.refilled(value, now).tokens >= this.burst) this.buckets.delete(key);
    }
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= this.maxBuckets) break;
      this.buckets.delete(key);
    }
  }
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, allowZero: boolean): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !allowZero)) {
    throw new Error(`${name}=${JSON.stringify(raw)} is not valid: expected a ${allowZero ? 'non-negative' : 'positive'} number`);
  }
  return value;
}

/** The limiter the environment asks for; undefined when RATE_LIMIT_PER_SECOND is 0 (limiting off). */
export function rateLimiterFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimiter | undefined {
  const perSecond = positiveNumber(env, 'RATE_LIMIT_PER_SECOND', DEFAULT_RATE_LIMIT.perSecond, true);
  const burst = positiveNumber(env, 'RATE_LIMIT_BURST', DEFAULT_RATE_LIMIT.burst, false);
  if (perSecond === 0) return undefined;
  if (burst < 1) throw new Error(`RATE_LIMIT_BURST=${burst} is not valid: expected at least 1`);
  return new RateLimiter({ perSecond, burst });
}

/** The bucket a request is charged to: its key's hash when it authenticated, else its source address. */
export function rateLimitCaller(request: { keyHash?: string | undefined; sourceIp: string }): string {
  return request.keyHash !== undefined ? `key:${request.keyHash}` : `ip:${request.sourceIp}`;
}
