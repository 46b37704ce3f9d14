/**
 * A bundle's audit entry as staff read it (GET /v1/audit, checked against the OpenAPI
 * document by `call`): one `bundle.upload` entry naming the actor, the bundle and its
 * accepted files; none for an install's own bundle. Atomicity under faults:
 * test/faults/bundleAudit.faults.test.ts.
 */
import { sampleBundle } from '../support/bundles.js';
import { call, createTestInstall, startTestApi, staffKey, type TestApi } from '../support/localApi.js';
import { minutesAgo } from '../support/time.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const postZip = (key: string, zip: Buffer) => call(api, 'POST', '/v1/bundles', { key, raw: zip, headers: { 'content-type': 'application/zip' } });
const bundleEntries = async (installId: string) => {
  const answer = await call(api, 'GET', `/v1/audit?target=${encodeURIComponent(`install/${installId}`)}`, { key: staffKey() });
  expect(answer.status).toBe(200);
  return (answer.body.items as { action: string }[]).filter((e) => e.action === 'bundle.upload');
};

it('a staff bundle: one entry with the bundle id and the accepted files, also when sent again', async () => {
  const install = await createTestInstall(api);
  const zip = await sampleBundle({ installId: install.installId, collectedAt: minutesAgo(20), queryTypes: ['user-counts', 'licensing-counts'] });
  const sent = await postZip(staffKey(), zip);
  expect(sent.status).toBe(201);
  const expected = [
    { at: expect.any(String), actor: 'local-admin', action: 'bundle.upload', target: `install/${install.installId}`, details: { bundleId: sent.body.bundleId, accepted: ['licensing-counts', 'user-counts'] } },
  ];
  expect(await bundleEntries(install.installId)).toEqual(expected);
  expect((await postZip(staffKey(), zip)).body.results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'duplicate']);
  expect(await bundleEntries(install.installId)).toEqual(expected);
  // Also by actor: the entry is in the actor's index.
  const byActor = await call(api, 'GET', '/v1/audit?actor=local-admin&limit=1000', { key: staffKey() });
  expect(byActor.body.items.filter((e: { details: { bundleId?: string } }) => e.details.bundleId === sent.body.bundleId)).toHaveLength(1);
});

it("an install's own bundle writes no entry", async () => {
  const install = await createTestInstall(api);
  const zip = await sampleBundle({ installId: install.installId, collectedAt: minutesAgo(20), queryTypes: ['user-counts'] });
  expect((await postZip(install.apiKey, zip)).status).toBe(201);
  expect(await bundleEntries(install.installId)).toEqual([]);
});
