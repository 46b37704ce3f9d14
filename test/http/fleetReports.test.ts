/** The duplicate-identifiers and versions reports, fed by the fleet index sync, over real HTTP. */
import { call, createTestInstall, fleetIndexesIdle, startTestApi, staffKey, type TestApi, upload } from '../support/localApi.js';
import { minutesAgo } from '../support/time.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const run = `${process.pid}${Date.now()}`;
const envelope = (collectedAt: string, records: unknown[]) => ({ schemaVersion: 1, collectedAt, mpaVersion: '3.4.1.12', records });
const device = (deviceId: string, deviceType: string, ids: { arid?: string; hardwareId?: string; serialNumber?: string }) => ({
  deviceId,
  deviceType,
  containerId: 'container-1',
  probeId: null,
  arid: ids.arid ?? null,
  hardwareId: ids.hardwareId ?? null,
  serialNumber: ids.serialNumber ?? null,
});

async function allDuplicates(): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const page: any = await call(api, 'GET', `/v1/reports/duplicate-identifiers?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key: staffKey() });
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

it('reports identifiers held by more than one install, until one install stops reporting them', async () => {
  const a = await createTestInstall(api, `dup-a-${run}`);
  const b = await createTestInstall(api, `dup-b-${run}`);
  const shared = `9${run}`.slice(0, 12);
  const serial = `SN-${run}`;
  expect((await upload(api, a, 'devices', envelope(minutesAgo(60), [device('a1', 'MiVoice 6920', { arid: shared }), device('a2', 'MiVoice 6920', { serialNumber: serial })]))).status).toBe(201);
  expect((await upload(api, b, 'devices', envelope(minutesAgo(60), [device('b1', 'MiVoice 6930', { arid: shared, serialNumber: serial }), device('b2', 'MiCollab', { hardwareId: `HW-${run}` })]))).status).toBe(201);
  await fleetIndexesIdle();

  const ours = (rows: any[]) => rows.filter((r) => r.value === shared || r.value === serial || r.value === `HW-${run}`);
  const installs = [
    { installId: a.installId, customerId: a.customerId },
    { installId: b.installId, customerId: b.customerId },
  ].sort((x, y) => (x.installId < y.installId ? -1 : 1));
  expect(ours(await allDuplicates()).sort((x, y) => (x.kind < y.kind ? -1 : 1))).toEqual([
    { kind: 'arid', value: shared, installs },
    { kind: 'serialNumber', value: serial, installs },
  ]);

  // a's newer snapshot no longer has the shared ARID.
  expect((await upload(api, a, 'devices', envelope(minutesAgo(30), [device('a2', 'MiVoice 6920', { serialNumber: serial })]))).status).toBe(201);
  await fleetIndexesIdle();
  expect(ours(await allDuplicates()).map((r) => r.kind)).toEqual(['serialNumber']);
});

it('reports the fleet-wide spread of software versions by device type', async () => {
  const type = `Fleet ${run}`;
  const a = await createTestInstall(api);
  const b = await createTestInstall(api);
  const devicesOf = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => device(`${prefix}${i}`, type, { serialNumber: `${prefix}-${run}-${i}` }));
  const versionsOf = (prefix: string, versions: string[]) => versions.map((softwareVersion, i) => ({ deviceId: `${prefix}${i}`, softwareVersion, hardwareVersion: null }));
  await upload(api, a, 'devices', envelope(minutesAgo(60), devicesOf('a', 3)));
  await upload(api, a, 'device-versions', envelope(minutesAgo(60), versionsOf('a', ['6.1', '6.1', '6.2'])));
  await upload(api, b, 'devices', envelope(minutesAgo(60), devicesOf('b', 2)));
  await upload(api, b, 'device-versions', envelope(minutesAgo(60), versionsOf('b', ['6.1'])));
  await fleetIndexesIdle();

  const report = await call(api, 'GET', `/v1/reports/versions?deviceType=${encodeURIComponent(type)}`, { key: staffKey() });
  expect(report.status).toBe(200);
  expect(report.body).toEqual({
    items: [
      { deviceType: type, softwareVersion: '6.1', devices: 3, installs: 2 },
      { deviceType: type, softwareVersion: '(unknown)', devices: 1, installs: 1 },
      { deviceType: type, softwareVersion: '6.2', devices: 1, installs: 1 },
    ],
    nextCursor: null,
  });
  const paged = await call(api, 'GET', `/v1/reports/versions?deviceType=${encodeURIComponent(type)}&limit=2`, { key: staffKey() });
  expect(paged.body.items).toHaveLength(2);
  const rest = await call(api, 'GET', `/v1/reports/versions?deviceType=${encodeURIComponent(type)}&limit=2&cursor=${paged.body.nextCursor}`, { key: staffKey() });
  expect(rest.body).toEqual({ items: [report.body.items[2]], nextCursor: null });
});

it('keeps both reports from install keys', async () => {
  const install = await createTestInstall(api);
  for (const path of ['/v1/reports/duplicate-identifiers', '/v1/reports/versions']) {
    expect((await call(api, 'GET', path, { key: install.apiKey })).status).toBe(403);
  }
});
