/** Staff routes, upload status, key rotation and health over real HTTP. */
import { call, createTestInstall, sample, startTestApi, staffKey, type TestApi, upload } from '../support/localApi.js';
import { minutesAgo } from '../support/time.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe('installs', () => {
  it('registers an install, shows its key once, and describes it', async () => {
    const created = await call(api, 'POST', '/v1/installs', { key: staffKey(), body: { customerId: 'acme-1', name: 'Acme HQ' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ installId: expect.any(String), customerId: 'acme-1', name: 'Acme HQ', apiKey: expect.stringMatching(/^mpai_/) });
    const shown = await call(api, 'GET', `/v1/installs/${created.body.installId}`, { key: staffKey() });
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({
      installId: created.body.installId,
      customerId: 'acme-1',
      name: 'Acme HQ',
      createdAt: expect.any(String),
      lastSeenAt: null,
      usageCollection: { enabled: true },
      status: 'active',
      queries: {},
    });
    expect(JSON.stringify(shown.body)).not.toContain(created.body.apiKey);
  });

  it('validates the registration', async () => {
    const bad = await call(api, 'POST', '/v1/installs', { key: staffKey(), body: { customerId: 'has space', name: '', extra: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['customerId', 'extra', 'name']);
    expect((await call(api, 'POST', '/v1/installs', { key: staffKey(), raw: 'nope', headers: { 'content-type': 'application/json' } })).body.code).toBe('invalid_json');
  });

  it('rotates a key: the new one works, the previous one stops at once', async () => {
    const install = await createTestInstall(api);
    const rotated = await call(api, 'POST', `/v1/installs/${install.installId}/keys`, { key: staffKey() });
    expect(rotated.status).toBe(201);
    expect(rotated.body.apiKey).not.toBe(install.apiKey);
    const envelope = sample('user-counts', { collectedAt: minutesAgo(2) });
    expect((await upload(api, install, 'user-counts', envelope)).status).toBe(401);
    expect((await upload(api, { ...install, apiKey: rotated.body.apiKey }, 'user-counts', envelope)).status).toBe(201);
  });

  it('answers not_found for unknown installs and routes', async () => {
    for (const path of ['/v1/installs/nope', '/v1/installs/nope/uploads']) {
      const result = await call(api, 'GET', path, { key: staffKey() });
      expect({ path, status: result.status, code: result.body.code }).toEqual({ path, status: 404, code: 'not_found' });
    }
    expect((await call(api, 'POST', '/v1/installs/nope/keys', { key: staffKey() })).status).toBe(404);
    expect((await call(api, 'GET', '/v2/anything', { key: staffKey() })).body.code).toBe('not_found');
  });

  it('keeps staff routes from install keys', async () => {
    const install = await createTestInstall(api);
    for (const [method, path] of [['POST', '/v1/installs'], ['GET', `/v1/installs/${install.installId}`], ['GET', `/v1/installs/${install.installId}/uploads`], ['POST', `/v1/installs/${install.installId}/keys`]] as const) {
      const result = await call(api, method, path, { key: install.apiKey, ...(method === 'POST' ? { body: {} } : {}) });
      expect({ method, path, status: result.status, code: result.body.code }).toEqual({ method, path, status: 403, code: 'forbidden' });
    }
  });
});

describe('upload listings and status', () => {
  it('lists receipts newest first, by query type, page by page', async () => {
    const install = await createTestInstall(api);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const result = await upload(api, install, 'event-counts', sample('event-counts', { collectedAt: minutesAgo(100 - i), seed: `s${i}` }));
      ids.push(result.body.uploadId);
    }
    await upload(api, install, 'probes', sample('probes', { collectedAt: minutesAgo(1) }));
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page: any = await call(api, 'GET', `/v1/installs/${install.installId}/uploads?queryType=event-counts&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { key: staffKey() });
      expect(page.status).toBe(200);
      pages.push(page.body.items.map((r: { uploadId: string }) => r.uploadId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(pages.flat()).toEqual([...ids].reverse());
    expect(pages[0]).toHaveLength(2);
    const all = await call(api, 'GET', `/v1/installs/${install.installId}/uploads`, { key: staffKey() });
    expect(all.body.items).toHaveLength(6);
    expect(all.body.items[0]).toMatchObject({ queryType: 'probes', duplicate: false });
    expect(all.body.nextCursor).toBeNull();
  });

  it('rejects bad list parameters', async () => {
    const install = await createTestInstall(api);
    for (const query of ['limit=0', 'limit=1001', 'limit=abc', 'cursor=bm9wZQ', 'queryType=phones']) {
      const result = await call(api, 'GET', `/v1/installs/${install.installId}/uploads?${query}`, { key: staffKey() });
      expect({ query, status: result.status }).toEqual({ query, status: query.startsWith('queryType') ? 404 : 400 });
    }
  });

  it('shows an upload to its install and to staff only', async () => {
    const install = await createTestInstall(api);
    const other = await createTestInstall(api);
    const accepted = await upload(api, install, 'probes', sample('probes', { collectedAt: minutesAgo(1) }));
    const path = `/v1/uploads/${accepted.body.uploadId}`;
    const own = await call(api, 'GET', path, { key: install.apiKey });
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ uploadId: accepted.body.uploadId, status: 'accepted', receipt: accepted.body });
    expect((await call(api, 'GET', path, { key: staffKey() })).body.status).toBe('accepted');
    expect((await call(api, 'GET', path, { key: other.apiKey })).status).toBe(404);
    expect((await call(api, 'GET', '/v1/uploads/00000000-0000-0000-0000-000000000000', { key: install.apiKey })).status).toBe(404);
  });

  it('answers /health without a key', async () => {
    const result = await call(api, 'GET', '/health');
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ status: 'ok' });
  });
});
