/**
 * Property: whatever devices and device-versions snapshots a few installs send, in any order,
 * with their syncs racing each other, the duplicate-identifiers report (read page by page) and
 * each install's version histogram equal a reference computed straight from the latest raw
 * snapshots. Also: a sync stopped part-way (the local server's shutdown) loses nothing, and the
 * next one finishes the work.
 */
import fc from 'fast-check';
import type { DeviceRecord } from '../../functions/domain/queries/devices.js';
import type { DeviceVersionRecord } from '../../functions/domain/queries/deviceVersions.js';
import { plainUploadJson } from '../../functions/domain/uploadJson.js';
import { token as anonymized } from '../../functions/samples/sampleUploads.js';
import { acceptUpload } from '../../functions/services/acceptUpload.js';
import { syncFleetIndexes } from '../../functions/services/syncFleetIndexes.js';
import { createClients, type Clients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { duplicateIdentifiers, getFleetState, readIdentifierBucket } from '../../functions/store/fleetIndexes.js';
import { inParallel } from '../../functions/services/inParallel.js';
import { IDENTIFIER_BUCKETS, identifiersOf } from '../../functions/domain/fleetIndexes.js';
import { createInstall } from '../../functions/store/installs.js';
import { interceptSdkCalls } from '../support/sdkCalls.js';
import { propertyOptions } from './settings.js';

const INSTALLS = 4;
/** Digits of this run, so that its identifiers are nobody else's (ARIDs are 5 to 12 digits). */
const token = String(Date.now() % 10_000_000).padStart(7, '0');
const TYPES = ['MiVoice 6920', 'MiVoice 6930', 'MiCollab'];
const VERSIONS = ['6.1', '6.2', '7.0'];

let c: Clients;
const installs: string[] = [];
let clock = 0;

beforeAll(async () => {
  c = createClients(storageConfig());
  for (let i = 0; i < INSTALLS; i++) installs.push((await createInstall(c, { customerId: 'fleet-property', name: `fleet ${i}` }, new Date())).install.installId);
});
afterAll(() => destroyClients(c));

/** A device drawn from a small pool of identifiers, so that installs share many. */
const deviceArb = fc.record({
  arid: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
  hardwareId: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
  serialNumber: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
  type: fc.integer({ min: 0, max: TYPES.length - 1 }),
  version: fc.option(fc.integer({ min: 0, max: VERSIONS.length - 1 }), { nil: null }),
});
type DeviceDraw = typeof deviceArb extends fc.Arbitrary<infer T> ? T : never;

/** One install's latest snapshots, as records. */
interface Snapshots {
  devices: DeviceRecord[];
  versions: DeviceVersionRecord[];
}

function snapshotsOf(draws: readonly DeviceDraw[]): Snapshots {
  const devices: DeviceRecord[] = [];
  const versions: DeviceVersionRecord[] = [];
  draws.forEach((d, i) => {
    const arid = d.arid ?? (d.hardwareId === null && d.serialNumber === null ? i % 31 : null);
    devices.push({
      deviceId: `dev-${i}`,
      deviceType: TYPES[d.type]!,
      containerId: anonymized('fleet-property', 'container'),
      probeId: null,
      arid: arid === null ? null : `${token}${String(arid).padStart(3, '0')}`,
      hardwareId: d.hardwareId === null ? null : `HW-${token}-${d.hardwareId}`,
      serialNumber: d.serialNumber === null ? null : `SN-${token}-${d.serialNumber}`,
    });
    if (d.version !== null) versions.push({ deviceId: `dev-${i}`, softwareVersion: VERSIONS[d.version]!, hardwareVersion: null });
  });
  return { devices, versions };
}

async function send(installId: string, snapshots: Snapshots): Promise<void> {
  // One collectedAt per upload, each later than the last: every upload becomes the latest.
  const collectedAt = `${new Date(Date.now() - 86_400_000 + ++clock * 1000).toISOString().slice(0, 19)}Z`;
  for (const [queryType, records] of [['devices', snapshots.devices], ['device-versions', snapshots.versions]] as const) {
    const body = Buffer.from(JSON.stringify({ schemaVersion: 1, collectedAt, mpaVersion: '3.4.1.12', records }));
    const outcome = await acceptUpload(c, { installId, queryType, body: plainUploadJson(body), now: new Date() });
    expect(outcome.status).toBe(201);
  }
}

/** The reference: identifiers in two or more installs' latest devices snapshots, with those installs. */
function referenceDuplicates(latest: ReadonlyMap<string, Snapshots>): Record<string, string[]> {
  const holders = new Map<string, Set<string>>();
  for (const [installId, { devices }] of latest) {
    for (const device of devices) {
      for (const kind of ['arid', 'hardwareId', 'serialNumber'] as const) {
        const value = device[kind];
        if (value === null) continue;
        const key = `${kind}#${value}`;
        (holders.get(key) ?? holders.set(key, new Set()).get(key)!).add(installId);
      }
    }
  }
  return Object.fromEntries([...holders].filter(([, ids]) => ids.size >= 2).map(([key, ids]) => [key, [...ids].sort()]).sort(([a], [b]) => (a! < b! ? -1 : 1)));
}

function referenceHistogram({ devices, versions }: Snapshots): Record<string, Record<string, number>> {
  const histogram: Record<string, Record<string, number>> = {};
  for (const device of devices) {
    const version = versions.find((v) => v.deviceId === device.deviceId)?.softwareVersion ?? '(unknown)';
    const ofType = (histogram[device.deviceType] ??= {});
    ofType[version] = (ofType[version] ?? 0) + 1;
  }
  return histogram;
}

/** The duplicate-identifiers report, every page of `limit` rows, this run's identifiers only. */
async function reportedDuplicates(limit: number): Promise<Record<string, string[]>> {
  const rows: Record<string, string[]> = {};
  let cursor: string | undefined;
  do {
    const page = await duplicateIdentifiers(c, { limit, ...(cursor ? { cursor } : {}) });
    for (const row of page.items) if (row.identifier.includes(token)) rows[row.identifier] = row.installIds;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return Object.fromEntries(Object.entries(rows).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Every bucket's holder items of our installs hold exactly the identifiers of their latest devices snapshots. */
async function expectHoldersMatch(latest: ReadonlyMap<string, Snapshots>): Promise<void> {
  const held = new Map<string, string[]>();
  await inParallel([...Array(IDENTIFIER_BUCKETS).keys()], 8, async (bucket) => {
    const { holders } = await readIdentifierBucket(c, bucket);
    for (const [installId, keys] of holders) if (latest.has(installId)) held.set(installId, [...(held.get(installId) ?? []), ...keys]);
  });
  for (const [installId, { devices }] of latest) expect((held.get(installId) ?? []).sort()).toEqual([...identifiersOf(devices)].sort());
}

async function expectReportsMatch(latest: ReadonlyMap<string, Snapshots>, limit: number): Promise<void> {
  expect(await reportedDuplicates(limit)).toEqual(referenceDuplicates(latest));
  for (const [installId, snapshots] of latest) expect((await getFleetState(c, installId)).versions).toEqual(referenceHistogram(snapshots));
}

const latest = new Map<string, Snapshots>();

it('gives the reports of the latest raw snapshots, whatever was sent and however the syncs raced', async () => {
  const stepArb = fc.array(fc.record({ install: fc.integer({ min: 0, max: INSTALLS - 1 }), devices: fc.array(deviceArb, { maxLength: 12 }) }), { minLength: 1, maxLength: 5 });
  await fc.assert(
    fc.asyncProperty(stepArb, fc.integer({ min: 1, max: 9 }), async (steps, limit) => {
      for (const step of steps) {
        const installId = installs[step.install]!;
        const snapshots = snapshotsOf(step.devices);
        await send(installId, snapshots);
        latest.set(installId, snapshots);
      }
      // Every install's sync at once: they race on the buckets they share.
      await Promise.all(installs.map((installId) => syncFleetIndexes(c, installId)));
      await expectReportsMatch(latest, limit);
    }),
    propertyOptions(15),
  );
}, 300_000);

it('loses nothing when a sync is stopped part-way: the next one finishes the work', async () => {
  const installId = installs[0]!;
  const snapshots = snapshotsOf(Array.from({ length: 200 }, (_, i) => ({ arid: i % 31, hardwareId: null, serialNumber: 1000 + i, type: i % 3, version: i % 4 === 0 ? null : i % 3 })));
  await send(installId, snapshots);
  latest.set(installId, snapshots);
  // Another install holds the same devices: any holder item left stale shows as a duplicate.
  await send(installs[1]!, snapshots);
  latest.set(installs[1]!, snapshots);
  await syncFleetIndexes(c, installs[1]!);

  // Stopped after its third BatchWriteItem, as stopping the local server stops it.
  const interrupted = createClients(storageConfig());
  const abort = new AbortController();
  let batchWrites = 0;
  const hook = interceptSdkCalls(interrupted, async ({ command }, next) => {
    const answer = await next();
    if (command === 'BatchWriteItemCommand' && ++batchWrites === 3) abort.abort();
    return answer;
  });
  await expect(syncFleetIndexes(interrupted, installId, abort.signal)).rejects.toThrow();
  hook.remove();
  destroyClients(interrupted);
  expect((await getFleetState(c, installId)).pendingDevicesRawKey).toBeDefined();

  // A newer snapshot arrives before the next sync: its buckets and the interrupted one's are both set right.
  const newer = snapshotsOf(Array.from({ length: 50 }, (_, i) => ({ arid: null, hardwareId: i % 31, serialNumber: null, type: 0, version: 1 })));
  await send(installId, newer);
  latest.set(installId, newer);
  await syncFleetIndexes(c, installId);
  expect((await getFleetState(c, installId)).pendingDevicesRawKey).toBeUndefined();
  await Promise.all(installs.map((id) => syncFleetIndexes(c, id)));
  await expectReportsMatch(latest, 5);
  await expectHoldersMatch(latest);
}, 300_000);
