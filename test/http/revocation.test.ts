/**
 * "Revoked at once" (DESIGN.md §11) despite the authorizer cache: with the deployed TTL (60 s,
 * the local server's default, as API Gateway's), a key that was just used, so its answer is
 * cached, is refused on the very next request after it is revoked, rotated, or its install
 * decommissioned or deleted: those writes flush the stage's authorizer cache
 * (functions/store/authorizerCache.ts), here through the local server's stand-in for API
 * Gateway's control plane (functions/local/controlPlane.ts).
 */
import { handler as authorizer } from '../../functions/handlers/authorizer.js';
import { DEPLOYED_AUTHORIZER_CACHE_SECONDS } from '../../functions/local/authorizerCache.js';
import { LOCAL_REST_API_ID, LOCAL_STAGE_NAME } from '../../functions/local/controlPlane.js';
import { openApiDocument } from '../../functions/api/openApiDocument.js';
import { routes } from '../../functions/routes.js';
import { call, createTestInstall, sample, startTestApi, staffKey, type TestApi, upload } from '../support/localApi.js';
import { minutesAgo } from '../support/time.js';

let api: TestApi;
let asked = 0;
beforeAll(async () => {
  // The default cache, as deployed; the authorizer counted, to show the cache does serve.
  api = await startTestApi({
    authorizer: (event) => {
      asked++;
      return authorizer(event);
    },
  });
});
afterAll(() => api.close());

const run = `${process.pid}-${Date.now() % 100000}`;

it('runs with the deployed cache, which serves a repeated key without asking the authorizer', async () => {
  expect(DEPLOYED_AUTHORIZER_CACHE_SECONDS).toBe(60);
  const install = await createTestInstall(api);
  const before = asked;
  for (let i = 0; i < 3; i++) expect((await call(api, 'GET', '/v1/license-file', { key: install.apiKey })).status).not.toBe(401);
  expect(asked - before).toBe(1);
});

it('a revoked staff key is refused on its next request', async () => {
  const made = await call(api, 'POST', '/v1/staff-keys', { key: staffKey(), body: { name: `revoked-${run}` } });
  const key = made.body.apiKey as string;
  expect((await call(api, 'GET', '/v1/staff-keys', { key })).status).toBe(200);
  expect((await call(api, 'DELETE', `/v1/staff-keys/${made.body.keyId}`, { key: staffKey() })).status).toBe(204);
  expect((await call(api, 'GET', '/v1/staff-keys', { key })).status).toBe(401);
});

it("a decommissioned install's key is refused on its next request, and works again once reactivated", async () => {
  const install = await createTestInstall(api);
  expect((await upload(api, install, 'user-counts', sample('user-counts', { collectedAt: minutesAgo(10) }))).status).toBe(201);
  const path = `/v1/installs/${install.installId}`;
  expect((await call(api, 'PATCH', path, { key: staffKey(), body: { status: 'decommissioned' } })).status).toBe(200);
  expect((await upload(api, install, 'user-counts', sample('user-counts', { collectedAt: minutesAgo(5) }))).status).toBe(401);
  expect((await call(api, 'PATCH', path, { key: staffKey(), body: { status: 'active' } })).status).toBe(200);
  expect((await upload(api, install, 'user-counts', sample('user-counts', { collectedAt: minutesAgo(4) }))).status).toBe(201);
});

it("a rotated install key is refused on its next request; the new one works", async () => {
  const install = await createTestInstall(api);
  expect((await upload(api, install, 'user-counts', sample('user-counts', { collectedAt: minutesAgo(10) }))).status).toBe(201);
  const rotated = await call(api, 'POST', `/v1/installs/${install.installId}/keys`, { key: staffKey() });
  expect(rotated.status).toBe(201);
  expect((await upload(api, install, 'user-counts', sample('user-counts', { collectedAt: minutesAgo(5) }))).status).toBe(401);
  expect((await upload(api, { ...install, apiKey: rotated.body.apiKey }, 'user-counts', sample('user-counts', { collectedAt: minutesAgo(5) }))).status).toBe(201);
});

it("a deleted install's key is refused on its next request", async () => {
  const install = await createTestInstall(api);
  expect((await upload(api, install, 'user-counts', sample('user-counts', { collectedAt: minutesAgo(10) }))).status).toBe(201);
  expect((await call(api, 'DELETE', `/v1/installs/${install.installId}`, { key: staffKey() })).status).toBe(204);
  expect((await upload(api, install, 'user-counts', sample('user-counts', { collectedAt: minutesAgo(5) }))).status).toBe(401);
});

describe("the local stand-in for API Gateway's control plane", () => {
  it('answers a flush of its stage 202, as AWS does, and another stage 404', async () => {
    const flush = (id: string, stage: string) => fetch(`${api.url}/restapis/${id}/stages/${stage}/cache/authorizers`, { method: 'DELETE' });
    const flushed = await flush(LOCAL_REST_API_ID, LOCAL_STAGE_NAME);
    expect(flushed.status).toBe(202);
    expect(await flushed.text()).toBe('');
    const other = await flush('abc123', 'prod');
    expect({ status: other.status, type: other.headers.get('x-amzn-errortype') }).toEqual({ status: 404, type: 'NotFoundException' });
  });

  it('leaves every other request under /restapis to the service, which knows no such route', async () => {
    for (const method of ['GET', 'POST']) {
      const answer = await call(api, method, `/restapis/${LOCAL_REST_API_ID}/stages/${LOCAL_STAGE_NAME}/cache/authorizers`);
      expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 404, code: 'not_found' });
    }
  });

  it('is no route of the service: not in the route table, nor in the OpenAPI document', () => {
    expect(routes.some((r) => r.path.startsWith('/restapis'))).toBe(false);
    expect(Object.keys(openApiDocument().paths ?? {}).some((p) => p.startsWith('/restapis'))).toBe(false);
  });
});
