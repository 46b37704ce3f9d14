/**
 * POST /v1/bundles over real HTTP against the local API, DynamoDB Local and s3rver: bundles
 * built with yazl (the CLI's writer) from the sample generator, as CSV and as JSON.
 */
import { queryTypes } from '../../functions/domain/queries/index.js';
import { DIRECT_BODY_MAX_BYTES } from '../../functions/domain/uploadBody.js';
import { sampleRecords } from '../../functions/samples/sampleUploads.js';
import { serializeRecords } from '../../functions/bundles/exports.js';
import { postBundle, sampleBundle } from '../support/bundles.js';
import { call, createTestInstall, startTestApi, staffKey, type TestApi, type TestInstall } from '../support/localApi.js';
import { minutesAgo } from '../support/time.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

async function installQueries(install: TestInstall): Promise<Record<string, { recordCount: number; summary: unknown }>> {
  const shown = await call(api, 'GET', `/v1/installs/${install.installId}`, { key: staffKey() });
  expect(shown.status).toBe(200);
  return shown.body.queries;
}

describe('POST /v1/bundles', () => {
  it('accepts a CSV bundle of all twelve query types, each file as a direct upload would be', async () => {
    const install = await createTestInstall(api);
    const collectedAt = minutesAgo(20);
    const zip = await sampleBundle({ installId: install.installId, collectedAt, format: 'csv', devices: 40 });
    const answer = await postBundle(api, install.apiKey, zip);
    expect(answer.status).toBe(201);
    expect(answer.body.bundleId).toMatch(/^[0-9a-f]{64}$/);
    expect(answer.body.installId).toBe(install.installId);
    expect(answer.body.results.map((r: { queryType: string }) => r.queryType)).toEqual([...queryTypes]);
    for (const result of answer.body.results) {
      expect(result).toEqual({
        queryType: result.queryType,
        status: 'accepted',
        receipt: expect.objectContaining({ installId: install.installId, queryType: result.queryType, collectedAt: new Date(collectedAt).toISOString(), duplicate: false }),
      });
    }
    const queries = await installQueries(install);
    expect(Object.keys(queries).sort()).toEqual([...queryTypes].sort());
    expect(queries.devices).toMatchObject({ recordCount: 40, summary: { total: 40 } });
  });

  it('accepts a JSON bundle; the same records as CSV are the same snapshots (duplicates)', async () => {
    const install = await createTestInstall(api);
    const collectedAt = minutesAgo(15);
    const asJson = await postBundle(api, install.apiKey, await sampleBundle({ installId: install.installId, collectedAt, format: 'json' }));
    expect(asJson.status).toBe(201);
    expect(asJson.body.results.every((r: { status: string }) => r.status === 'accepted')).toBe(true);
    const asCsv = await postBundle(api, install.apiKey, await sampleBundle({ installId: install.installId, collectedAt, format: 'csv' }));
    expect(asCsv.status).toBe(201);
    expect(asCsv.body.bundleId).not.toBe(asJson.body.bundleId);
    expect(asCsv.body.results.map((r: { status: string }) => r.status)).toEqual(queryTypes.map(() => 'duplicate'));
    expect(asCsv.body.results.map((r: { receipt: { uploadId: string } }) => r.receipt.uploadId)).toEqual(
      asJson.body.results.map((r: { receipt: { uploadId: string } }) => r.receipt.uploadId),
    );
  });

  it('answers the same bundle again with the same bundleId and every file a duplicate, also when zipped again', async () => {
    const install = await createTestInstall(api);
    const options = { installId: install.installId, collectedAt: minutesAgo(12), queryTypes: ['devices', 'probes'] as const };
    const first = await postBundle(api, install.apiKey, await sampleBundle(options));
    expect(first.status).toBe(201);
    const again = await postBundle(api, install.apiKey, await sampleBundle(options));
    expect(again.status).toBe(201);
    expect(again.body.bundleId).toBe(first.body.bundleId);
    expect(again.body.results).toEqual(first.body.results.map((r: { receipt: object }) => ({ ...r, status: 'duplicate', receipt: { ...r.receipt, duplicate: true } })));
  });

  it('types CSV cells by the record schema: strings stay strings, empty cells are null', async () => {
    const install = await createTestInstall(api);
    const collectedAt = minutesAgo(10);
    const devices = [
      'deviceId,deviceType,containerId,probeId,arid,hardwareId,serialNumber',
      'dev-1,MiVoice 6920,c0ntainer-01,,0012345,,', // arid with leading zeros: still the string "0012345"
      '00042,MiVoice 6930,c0ntainer-01,pr0be-0001,,HW-1,', // a numeric-looking deviceId stays a string
    ].join('\r\n');
    const licenses = ['deviceId,licensed,unlicensedOn', 'dev-1,TRUE,', '00042,false,2026-01-01'].join('\n');
    const zip = await sampleBundle({
      installId: install.installId,
      collectedAt,
      queryTypes: ['devices', 'device-license-states'],
      content: { devices: Buffer.from(devices), 'device-license-states': Buffer.from(licenses) },
    });
    const answer = await postBundle(api, install.apiKey, zip);
    expect(answer.body.results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'accepted']);
    const queries = await installQueries(install);
    expect(queries.devices!.summary).toMatchObject({ total: 2, byIdentifier: { arid: 1, hardwareId: 1, serialNumber: 0 } });
    expect(queries['device-license-states']!.summary).toMatchObject({ licensed: 1, unlicensed: 1 });
  });

  it('rejects a bad file alone; the good ones are accepted', async () => {
    const install = await createTestInstall(api);
    const collectedAt = minutesAgo(9);
    const records = sampleRecords('devices', { devices: 5, collectedAt });
    records[3]!.arid = 'not-digits';
    const zip = await sampleBundle({
      installId: install.installId,
      collectedAt,
      queryTypes: ['probes', 'devices', 'user-counts', 'event-counts'],
      content: { devices: serializeRecords('devices', records, 'csv'), 'event-counts': Buffer.from('deviceId,events\n"dev-1,7\n') },
    });
    const answer = await postBundle(api, install.apiKey, zip);
    expect(answer.status).toBe(201);
    const [probes, devices, userCounts, eventCounts] = answer.body.results;
    expect(probes.status).toBe('accepted');
    expect(userCounts.status).toBe('accepted');
    expect(devices).toEqual({
      queryType: 'devices',
      status: 'rejected',
      problem: expect.objectContaining({ status: 400, code: 'validation_failed', errors: [{ path: 'records[3].arid', message: 'must be 5 to 12 digits' }] }),
    });
    expect(eventCounts.status).toBe('rejected');
    expect(eventCounts.problem).toMatchObject({ code: 'validation_failed', errors: [{ path: 'records[0]', message: 'has a quoted field that is never closed' }] });
    expect(JSON.stringify(eventCounts.problem)).not.toContain('dev-1');
    expect(Object.keys(await installQueries(install)).sort()).toEqual(['probes', 'user-counts']);
  });

  it('rejects a JSON file that is not JSON, or not an array, as that file', async () => {
    const install = await createTestInstall(api);
    const zip = await sampleBundle({
      installId: install.installId,
      collectedAt: minutesAgo(8),
      format: 'json',
      queryTypes: ['probes', 'user-counts'],
      content: { probes: Buffer.from('[{"probeId": '), 'user-counts': Buffer.from('{"users": 1}') },
    });
    const answer = await postBundle(api, install.apiKey, zip);
    expect(answer.body.results.map((r: { problem: { code: string } }) => r.problem.code)).toEqual(['invalid_json', 'validation_failed']);
    expect(answer.body.results[1].problem.errors[0].path).toBe('records');
  });

  it('rejects optional query types while usage collection is disabled, and accepts the rest', async () => {
    const install = await createTestInstall(api);
    const off = await call(api, 'PUT', '/v1/usage-collection', { key: install.apiKey, body: { enabled: false } });
    expect(off.status).toBe(200);
    const zip = await sampleBundle({ installId: install.installId, collectedAt: minutesAgo(7), queryTypes: ['call-quality', 'devices', 'user-actions'] });
    const answer = await postBundle(api, install.apiKey, zip);
    expect(answer.body.results.map((r: { status: string; problem?: { code: string } }) => r.problem?.code ?? r.status)).toEqual([
      'usage_collection_disabled',
      'accepted',
      'usage_collection_disabled',
    ]);
  });

  it("refuses another install's bundle (403); staff may upload any registered install's", async () => {
    const owner = await createTestInstall(api);
    const other = await createTestInstall(api);
    const zip = await sampleBundle({ installId: owner.installId, collectedAt: minutesAgo(6), queryTypes: ['user-counts'] });
    const foreign = await postBundle(api, other.apiKey, zip);
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('forbidden');
    expect(await installQueries(owner)).toEqual({});

    const byStaff = await postBundle(api, staffKey(), zip);
    expect(byStaff.status).toBe(201);
    expect(byStaff.body.installId).toBe(owner.installId);
    expect(byStaff.body.results[0].status).toBe('accepted');

    const unknown = await postBundle(api, staffKey(), await sampleBundle({ installId: '00000000-0000-4000-8000-000000000000', collectedAt: minutesAgo(6), queryTypes: ['user-counts'] }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('invalid_bundle');
  });

  it('takes application/zip only, at most 4 MiB (413 naming upload sessions above)', async () => {
    const install = await createTestInstall(api);
    const zip = await sampleBundle({ installId: install.installId, collectedAt: minutesAgo(5), queryTypes: ['user-counts'] });
    const wrongType = await postBundle(api, install.apiKey, zip, 'application/octet-stream');
    expect(wrongType.status).toBe(415);
    expect(wrongType.headers.get('content-type')).toBe('application/problem+json');
    const large = await postBundle(api, install.apiKey, Buffer.alloc(DIRECT_BODY_MAX_BYTES + 1));
    expect(large.status).toBe(413);
    expect(large.body.code).toBe('payload_too_large');
    expect(large.body.detail).toMatch(/upload session \(POST \/v1\/upload-sessions, kind "bundle"\)/);
    const noKey = await call(api, 'POST', '/v1/bundles', { raw: zip, headers: { 'content-type': 'application/zip' } });
    expect(noKey.status).toBe(401);
  });
});
