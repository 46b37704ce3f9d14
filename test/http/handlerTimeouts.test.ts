/**
 * The local server gives each handler its deployed function's timeout (lib/handlerProfiles.ts),
 * so a handler that overruns answers as it would on AWS instead of running on for as long as
 * it likes: a route behind middy answers its `500 internal` problem TIMEOUT_EARLY_MS (0.5 s)
 * before its timeout; a route without middy (the JWKS), or the authorizer, gets API Gateway's
 * DEFAULT_5XX answer at its timeout. Every storage call is held past the timeout here, as a
 * stalled dependency would hold it.
 */
import { performance } from 'node:perf_hooks';
import { handlerProfiles } from '../../lib/handlerProfiles.js';
import { DEFAULT_TIMEOUT_EARLY_MS } from '../../functions/observability/timeoutEarly.js';
import { interceptSdkCalls } from '../support/sdkCalls.js';
import { call, clients, createTestInstall, staffKey, startTestApi, type TestApi } from '../support/localApi.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

/** Holds every S3 and DynamoDB call of the server `ms` before sending it, until the returned function is called; it waits for the held calls. */
function holdEveryCall(ms: number): () => Promise<void> {
  const held: Promise<unknown>[] = [];
  const { remove } = interceptSdkCalls(clients(), (_, send) => {
    const sent = new Promise((resolve) => setTimeout(resolve, ms)).then(send);
    held.push(sent.catch(() => undefined));
    return sent;
  });
  return async () => {
    remove();
    await Promise.all(held);
  };
}

/** The answer and how long it took, in ms. */
async function timed(path: string, key?: string) {
  const started = performance.now();
  const answer = await call(api, 'GET', path, key ? { key } : {});
  return { answer, ms: performance.now() - started };
}

it('a handler that overruns its function timeout answers a 500 problem, as deployed, before its stalled calls end', async () => {
  const install = await createTestInstall(api);
  const installPath = `/v1/installs/${install.installId}`;
  // Once, so that the authorizer's answer is cached and only the handlers' own calls are held.
  expect((await call(api, 'GET', installPath, { key: staffKey() })).status).toBe(200);
  const getInstallMs = handlerProfiles.getInstall.timeoutSeconds * 1000;
  const jwksMs = handlerProfiles.getJwks.timeoutSeconds * 1000;
  const heldMs = getInstallMs + 500;
  const release = holdEveryCall(heldMs);
  try {
    // The install's key was never used: its authorizer call is not cached, and is held too.
    const [install_, jwks, authorizer] = await Promise.all([timed(installPath, staffKey()), timed('/.well-known/jwks.json'), timed('/v1/license-file', install.apiKey)]);
    // Behind middy: answered TIMEOUT_EARLY_MS before the timeout.
    expect(install_.answer.status).toBe(500);
    expect(install_.answer.body).toMatchObject({ code: 'internal', status: 500 });
    expect(install_.ms).toBeGreaterThanOrEqual(getInstallMs - DEFAULT_TIMEOUT_EARLY_MS - 50);
    expect(install_.ms).toBeLessThan(heldMs);
    // Without middy: answered at the timeout, as API Gateway's DEFAULT_5XX.
    expect(jwks.answer.status).toBe(500);
    expect(jwks.answer.body).toMatchObject({ code: 'internal', status: 500, detail: 'Internal error.' });
    expect(jwks.ms).toBeGreaterThanOrEqual(jwksMs - 50);
    expect(jwks.ms).toBeLessThan(heldMs);
    // The authorizer at its own timeout: the gateway's DEFAULT_5XX too.
    expect(authorizer.answer.status).toBe(500);
    expect(authorizer.answer.body).toMatchObject({ code: 'internal', detail: 'Internal error.' });
    expect(authorizer.ms).toBeGreaterThanOrEqual(handlerProfiles.authorizer.timeoutSeconds * 1000 - 50);
    expect(authorizer.ms).toBeLessThan(heldMs);
  } finally {
    await release();
  }
  // The server goes on.
  expect((await call(api, 'GET', installPath, { key: staffKey() })).status).toBe(200);
}, 30_000);
