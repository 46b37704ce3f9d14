/**
 * Per-key rate limiting of the local server (functions/local/rateLimit.ts): token buckets per
 * API key (per address without a valid key), `429 throttled` problems with Retry-After, and
 * other keys unaffected. The AWS side (API Gateway throttles, WAF rate rules) is checked in
 * test/cdk/rateLimiting.test.ts.
 */
import { DEFAULT_RATE_LIMIT, RateLimiter, rateLimiterFromEnv } from '../../functions/local/rateLimit.js';
import { call, createTestInstall, startTestApi, staffKey, type TestApi } from '../support/localApi.js';

describe('the token bucket', () => {
  it('lets a burst through, then one request per 1/rate seconds, and says when to retry', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 2, burst: 3, now: () => now });
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 499;
    expect(limiter.take('a').allowed).toBe(false);
    now += 1;
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    // Idle long enough, the bucket is full again, never more.
    now += 60_000;
    expect([1, 2, 3, 4].map(() => limiter.take('a').allowed)).toEqual([true, true, true, false]);
  });

  it('keeps one bucket per caller', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1, now: () => 0 });
    expect(limiter.take('key:a').allowed).toBe(true);
    expect(limiter.take('key:a').allowed).toBe(false);
    expect(limiter.take('key:b').allowed).toBe(true);
    expect(limiter.take('ip:127.0.0.1').allowed).toBe(true);
  });

  it('rounds Retry-After up to whole seconds at slow rates', () => {
    const limiter = new RateLimiter({ perSecond: 0.1, burst: 1, now: () => 0 });
    limiter.take('a');
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  it('forgets full buckets when it holds too many, so memory stays bounded', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 10, burst: 2, maxBuckets: 100, now: () => now });
    for (let i = 0; i < 1000; i++) {
      limiter.take(`ip:${i}`);
      now += 5;
    }
    expect(limiter.size).toBeLessThanOrEqual(101);
  });

  it('is configured from the environment: generous by default, off with 0, refusing nonsense', () => {
    expect(rateLimiterFromEnv({})).toMatchObject(DEFAULT_RATE_LIMIT);
    expect(rateLimiterFromEnv({ RATE_LIMIT_PER_SECOND: '5', RATE_LIMIT_BURST: '7' })).toMatchObject({ perSecond: 5, burst: 7 });
    expect(rateLimiterFromEnv({ RATE_LIMIT_PER_SECOND: '0' })).toBeUndefined();
    for (const env of [{ RATE_LIMIT_PER_SECOND: 'fast' }, { RATE_LIMIT_PER_SECOND: '-1' }, { RATE_LIMIT_BURST: '0' }, { RATE_LIMIT_BURST: '0.5' }]) {
      expect(() => rateLimiterFromEnv(env)).toThrow(/RATE_LIMIT_/);
    }
  });
});

describe('over HTTP', () => {
  let api: TestApi;
  afterEach(() => api.close());

  it('a burst beyond the limit gets 429 throttled with Retry-After; other keys and staff are unaffected', async () => {
    api = await startTestApi({ rateLimiter: new RateLimiter({ perSecond: 0.01, burst: 5 }) });
    const [a, b] = [await createTestInstall(api), await createTestInstall(api)];
    const path = '/v1/uploads/00000000-0000-0000-0000-000000000000';
    const burst = await Promise.all(Array.from({ length: 12 }, () => call(api, 'GET', path, { key: a.apiKey })));
    expect(burst.map((r) => r.status).sort()).toEqual([...Array(5).fill(404), ...Array(7).fill(429)]);
    const throttled = burst.find((r) => r.status === 429)!;
    expect(throttled.headers.get('content-type')).toBe('application/problem+json');
    expect(throttled.body).toMatchObject({ status: 429, code: 'throttled', title: expect.any(String), detail: expect.stringContaining('this API key') });
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number.isInteger(Number(throttled.headers.get('retry-after')))).toBe(true);

    expect((await call(api, 'GET', path, { key: b.apiKey })).status).toBe(404);
    expect((await call(api, 'GET', '/v1/reports/stale', { key: staffKey() })).status).toBe(200);
  });

  it('without a valid key, requests count against the address: failed key guesses end in 429, not 401', async () => {
    api = await startTestApi({ rateLimiter: new RateLimiter({ perSecond: 0.01, burst: 4 }) });
    const guesses = [];
    for (let i = 0; i < 6; i++) guesses.push((await call(api, 'GET', '/v1/reports/stale', { key: `mpas_${String(i).repeat(43)}` })).status);
    expect(guesses).toEqual([401, 401, 401, 401, 429, 429]);
    // The address's bucket is empty: public routes from it wait too; a valid key does not.
    expect((await call(api, 'GET', '/health')).status).toBe(429);
    expect((await call(api, 'GET', '/v1/reports/stale', { key: staffKey() })).status).toBe(200);
  });
});
