/**
 * API Gateway caches the authorizer's answer per Authorization header across routes and checks
 * its policy against each request's method ARN. Found: the policy named only the first
 * request's method (`apiId/stage/POST/*`: the method ARN's split put the API id in its first
 * part), so on AWS an install that created an upload session and then polled GET
 * /v1/uploads/{id}, or staff reading then writing, got 403 for up to a minute; the local server
 * never evaluated the policy, so no test saw it. Now the local server enforces the policy and
 * caches it as API Gateway does, and these tests fail on such a policy.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { apiWideResource, handler as authorizer } from '../../functions/handlers/authorizer.js';
import { DEPLOYED_AUTHORIZER_CACHE_SECONDS } from '../../functions/local/authorizerCache.js';
import { policyAllows } from '../../functions/local/authorizerPolicy.js';
import { defaultConfig } from '../../lib/config.js';
import { call, createTestInstall, sample, startTestApi, staffKey, type TestApi, upload } from '../support/localApi.js';
import { minutesAgo } from '../support/time.js';

const arn = (method: string, path: string) => `arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/${method}${path}`;
const allow = (resource: string, effect: 'Allow' | 'Deny' = 'Allow'): APIGatewayAuthorizerResult => ({
  principalId: 'x',
  policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] },
});

describe('the authorizer policy', () => {
  it('covers every method and path of the stage', () => {
    const resource = apiWideResource(arn('POST', '/v1/upload-sessions'));
    expect(resource).toBe('arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/*');
    for (const [method, path] of [['GET', '/v1/uploads/abc'], ['POST', '/v1/installs'], ['PUT', '/v1/usage-collection'], ['GET', '/v1/installs/i/uploads']]) {
      expect({ method, allowed: policyAllows(allow(resource), arn(method!, path!)) }).toEqual({ method, allowed: true });
    }
    expect(policyAllows(allow(resource), arn('GET', '/v1/uploads/abc').replace('/prod/', '/dev/'))).toBe(false);
  });

  it('is evaluated as API Gateway does: a narrower Allow refuses other methods, a Deny wins, wildcards span slashes', () => {
    expect(policyAllows(allow(`${arn('POST', '')}/*`), arn('GET', '/v1/uploads/abc'))).toBe(false);
    expect(policyAllows(allow(`${arn('POST', '')}/*`), arn('POST', '/v1/upload-sessions'))).toBe(true);
    const both: APIGatewayAuthorizerResult = {
      principalId: 'x',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:*' },
          { Action: 'execute-api:*', Effect: 'Deny', Resource: [arn('POST', '/v1/installs')] },
        ],
      },
    };
    expect(policyAllows(both, arn('POST', '/v1/installs'))).toBe(false);
    expect(policyAllows(both, arn('GET', '/v1/installs/x'))).toBe(true);
    expect(policyAllows({ principalId: 'x', policyDocument: { Version: '2012-10-17', Statement: [] } }, arn('GET', '/health'))).toBe(false);
  });

  it("the real authorizer's answer for one request covers the others of the same key", async () => {
    const event = (methodArn: string) => ({ type: 'REQUEST', methodArn, headers: { Authorization: `Bearer ${staffKey()}` } }) as unknown as APIGatewayRequestAuthorizerEvent;
    const answer = await authorizer(event(arn('GET', '/v1/installs/x')));
    expect(policyAllows(answer, arn('POST', '/v1/installs'))).toBe(true);
  });
});

describe('the local server, as API Gateway', () => {
  let api: TestApi;
  afterEach(() => api?.close());

  it('one key over several methods within the cache TTL: POST a session, GET its status; staff read then write', async () => {
    api = await startTestApi({ authorizerCacheSeconds: 60 });
    const install = await createTestInstall(api);
    const session = await call(api, 'POST', '/v1/upload-sessions', { key: install.apiKey, body: { kind: 'query', queryType: 'devices', contentLength: 100 } });
    expect(session.status).toBe(201);
    expect((await call(api, 'GET', `/v1/uploads/${session.body.uploadId}`, { key: install.apiKey })).status).toBe(200);
    expect((await call(api, 'PUT', '/v1/usage-collection', { key: install.apiKey, body: { enabled: true } })).status).toBe(200);
    expect((await call(api, 'GET', `/v1/installs/${install.installId}`, { key: staffKey() })).status).toBe(200);
    expect((await call(api, 'POST', `/v1/installs/${install.installId}/keys`, { key: staffKey() })).status).toBe(201);
  });

  it('refuses with 403 a request whose method ARN the cached policy does not cover, and caches per Authorization header', async () => {
    const calls: string[] = [];
    // An authorizer whose policy names only the method of the request it was asked about.
    const narrow = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
      calls.push(event.methodArn);
      const answer = await authorizer(event);
      const [apiArn, stage, method] = event.methodArn.split('/');
      return { ...answer, policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow' as const, Resource: `${apiArn}/${stage}/${method}/*` }] } };
    };
    api = await startTestApi({ authorizer: narrow, authorizerCacheSeconds: 60 });
    const install = await createTestInstall(api);
    expect(calls).toHaveLength(1);
    expect((await upload(api, install, 'probes', sample('probes', { collectedAt: minutesAgo(3) }))).status).toBe(201);
    const denied = await call(api, 'GET', `/v1/installs/${install.installId}`, { key: staffKey() });
    expect({ status: denied.status, code: denied.body.code }).toEqual({ status: 403, code: 'forbidden' });
    expect(denied.headers.get('content-type')).toBe('application/problem+json');
    // Two keys, two authorizer calls: the staff key's GET came from the cache of its POST.
    expect(calls.map((methodArn) => methodArn.split('/')[2])).toEqual(['POST', 'POST']);
  });

  it("caches for the deployed default TTL unless told otherwise", () => {
    expect(DEPLOYED_AUTHORIZER_CACHE_SECONDS).toBe(defaultConfig.authorizerCacheTtlSeconds);
  });

  // TTL 0 kept here: this test is about switching the cache off, not about revocation.
  it('without the cache (TTL 0) the authorizer is asked for every request', async () => {
    let asked = 0;
    api = await startTestApi({ authorizer: async (event) => {
        asked++;
        return authorizer(event);
      }, authorizerCacheSeconds: 0 });
    await createTestInstall(api);
    await createTestInstall(api);
    expect(asked).toBe(2);
  });
});
