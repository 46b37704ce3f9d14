/**
 * A failing flush of the authorizer cache (docs/decisions.md, "Revoked at once"): the change
 * it follows is committed already, so the write still answers its success, the change stands,
 * and the failure is logged (without keys) and counted (AuthorizerCacheFlushFailures). API
 * Gateway's control plane is faulted with aws-sdk-client-mock; the SDK's own retries
 * (FLUSH_MAX_ATTEMPTS) are shown against a stand-in that answers 503.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import { jest } from '@jest/globals';
import { APIGatewayClient, FlushStageAuthorizersCacheCommand } from '@aws-sdk/client-api-gateway';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { mockClient } from 'aws-sdk-client-mock';
import { AUTHORIZER_CACHE_FLUSH_FAILURES_METRIC, logger } from '../../functions/observability/index.js';
import { FLUSH_MAX_ATTEMPTS, flushAuthorizerCache } from '../../functions/store/authorizerCache.js';
import { createClients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { call, startTestApi, staffKey, type TestApi } from '../support/localApi.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

it('a flush that fails leaves the revocation committed and answered 204, logged and counted', async () => {
  const made = await call(api, 'POST', '/v1/staff-keys', { key: staffKey(), body: { name: `flush-fault-${process.pid}` } });
  // Used once, so the gateway's (here the local server's) cache holds its answer.
  expect((await call(api, 'GET', '/v1/staff-keys', { key: made.body.apiKey })).status).toBe(200);
  const apiGateway = mockClient(APIGatewayClient);
  apiGateway.on(FlushStageAuthorizersCacheCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
  const errors = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
  const metrics = jest.spyOn(Metrics.prototype, 'addMetric');
  try {
    const revoked = await call(api, 'DELETE', `/v1/staff-keys/${made.body.keyId}`, { key: staffKey() });
    expect(revoked.status).toBe(204);
    expect(apiGateway.commandCalls(FlushStageAuthorizersCacheCommand)).toHaveLength(1);
    expect(apiGateway.commandCalls(FlushStageAuthorizersCacheCommand)[0]!.args[0].input).toEqual({ restApiId: 'local', stageName: 'local' });
    expect(metrics).toHaveBeenCalledWith(AUTHORIZER_CACHE_FLUSH_FAILURES_METRIC, 'Count', 1);
    const logged = errors.mock.calls.find(([message]) => String(message).startsWith('authorizer cache not flushed'));
    expect(logged).toBeDefined();
    expect(JSON.stringify(logged)).toContain('TooManyRequestsException');
    // Nothing of a key in the log.
    expect(JSON.stringify(logged)).not.toMatch(/mpa[is]_/);
  } finally {
    apiGateway.restore();
    errors.mockRestore();
    metrics.mockRestore();
  }
  // The change stands: the key is revoked.
  const listed = await call(api, 'GET', '/v1/staff-keys', { key: staffKey() });
  expect(listed.body.items.find((k: { keyId: string }) => k.keyId === made.body.keyId).revokedAt).not.toBeNull();
  // The documented cost: its cached answer still serves until it expires or the next flush.
  expect((await call(api, 'GET', '/v1/staff-keys', { key: made.body.apiKey })).status).toBe(200);
  const other = await call(api, 'POST', '/v1/staff-keys', { key: staffKey(), body: { name: `flush-next-${process.pid}` } });
  expect((await call(api, 'DELETE', `/v1/staff-keys/${other.body.keyId}`, { key: staffKey() })).status).toBe(204);
  expect((await call(api, 'GET', '/v1/staff-keys', { key: made.body.apiKey })).status).toBe(401);
});

it(`the SDK tries a failing flush ${FLUSH_MAX_ATTEMPTS} times, then it counts as failed`, async () => {
  let requests = 0;
  const failing = createServer((req, res) => {
    requests++;
    req.resume();
    res.writeHead(503, { 'content-type': 'application/json', 'x-amzn-errortype': 'ServiceUnavailableException' });
    res.end('{"message":"unavailable"}');
  });
  failing.listen(0, '127.0.0.1');
  await once(failing, 'listening');
  const { port } = failing.address() as { port: number };
  const c = createClients(storageConfig());
  const errors = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
  try {
    const env = { ...process.env, APIGATEWAY_ENDPOINT: `http://127.0.0.1:${port}`, REST_API_ID: 'abc123', API_STAGE_NAME: 'prod' };
    expect(await flushAuthorizerCache(c, env)).toBe(false);
    expect(requests).toBe(FLUSH_MAX_ATTEMPTS);
    expect(errors).toHaveBeenCalledTimes(1);
    // Without an API stage (a handler run outside one) there is nothing to flush.
    expect(await flushAuthorizerCache(c, { ...process.env, REST_API_ID: '' })).toBe(true);
  } finally {
    errors.mockRestore();
    destroyClients(c);
    failing.close();
  }
});
