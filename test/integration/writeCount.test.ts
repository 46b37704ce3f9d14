/**
 * Writes per upload are a small constant, whatever the record count (DESIGN.md §6); the
 * fleet index sync that follows a devices snapshot writes in proportion to the identifier
 * buckets that changed: a bounded number for a first snapshot of any size, one request for a
 * one-device change.
 */
import { acceptUpload } from '../../functions/services/acceptUpload.js';
import { IDENTIFIER_BUCKETS } from '../../functions/domain/fleetIndexes.js';
import { syncFleetIndexes } from '../../functions/services/syncFleetIndexes.js';
import { createClients, type Clients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { createInstall } from '../../functions/store/installs.js';
import { sampleUpload as sample } from '../../functions/samples/sampleUploads.js';
import { minutesAgo } from '../support/time.js';
import { injectFaults } from '../support/faults.js';
import { interceptSdkCalls } from '../support/sdkCalls.js';
import { itemKeys } from '../../functions/domain/storageKeys.js';
import { plainUploadJson } from '../../functions/domain/uploadJson.js';

const WRITES = [
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
  'PutObjectCommand',
  // A large archive is sent as a one-part multipart upload while the upload is validated.
  'CreateMultipartUploadCommand',
  'UploadPartCommand',
  'CompleteMultipartUploadCommand',
  'AbortMultipartUploadCommand',
];
const writesOf = (calls: Record<string, number>) => Object.fromEntries(Object.entries(calls).filter(([name]) => WRITES.includes(name)));

/**
 * The sync's write requests: BatchWriteItems of the install's own bucket items, and every other
 * write by command. A sync also repairs the duplicate items of the buckets it reads, and another
 * test's sync may be between its writes and its repair there: those writes are counted apart.
 */
function countSyncWrites(c: Clients, installId: string) {
  const counts = { holderBatches: 0, duplicateBatches: 0, others: {} as Record<string, number> };
  const hook = interceptSdkCalls(c, async ({ command, input }, send) => {
    if (command === 'BatchWriteItemCommand') {
      const requests = Object.values(input.RequestItems as Record<string, any[]>).flat();
      const ours = requests.some((r) => (r.PutRequest?.Item ?? r.DeleteRequest?.Key)?.SK === itemKeys.bucketHolder(0, installId).SK);
      if (ours) counts.holderBatches += 1;
      else counts.duplicateBatches += 1;
    } else if (WRITES.includes(command)) counts.others[command] = (counts.others[command] ?? 0) + 1;
    return send();
  });
  return { counts, remove: hook.remove };
}

async function newInstall(c: Clients, name: string) {
  return (await createInstall(c, { customerId: 'writes', name }, new Date())).install.installId;
}

async function writesFor(devices: number): Promise<Record<string, number>> {
  const c = createClients(storageConfig());
  const installId = await newInstall(c, `writes ${devices}`);
  const { calls } = injectFaults(c, []);
  const json = Buffer.from(JSON.stringify(sample('devices', { devices, collectedAt: minutesAgo(1) })));
  const outcome = await acceptUpload(c, { installId, queryType: 'devices', body: plainUploadJson(json), now: new Date() });
  expect(outcome.status).toBe(201);
  destroyClients(c);
  return writesOf(calls);
}

it('costs the same writes for 10 and 100,000 devices: one S3 object and one transaction', async () => {
  const small = await writesFor(10);
  const large = await writesFor(100_000);
  expect(small).toEqual({ PutObjectCommand: 1, TransactWriteItemsCommand: 1 });
  // The large archive is the same one object, sent in three requests so that it travels during validation.
  expect(large).toEqual({ CreateMultipartUploadCommand: 1, UploadPartCommand: 1, CompleteMultipartUploadCommand: 1, TransactWriteItemsCommand: 1 });
}, 120_000);

it('costs one transaction of five items for a licensing-counts upload of 10 or 400 items (its usage item the fifth)', async () => {
  const c = createClients(storageConfig());
  const installId = await newInstall(c, 'licensing counts writes');
  const sizes: number[] = [];
  c.ddb.middlewareStack.add(
    (next, context) => async (args) => {
      if (['TransactWriteCommand', 'TransactWriteItemsCommand'].includes((context as { commandName?: string }).commandName ?? '')) sizes.push((args.input as { TransactItems: unknown[] }).TransactItems.length);
      return next(args);
    },
    { step: 'initialize', name: 'transactionSizes' },
  );
  for (const [i, items] of [10, 400].entries()) {
    const records = Array.from({ length: items }, (_, n) => ({ item: `item ${n}`, count: n }));
    const json = Buffer.from(JSON.stringify({ schemaVersion: 1, collectedAt: minutesAgo(10 - i), mpaVersion: '3.4.1.12', records }));
    expect((await acceptUpload(c, { installId, queryType: 'licensing-counts', body: plainUploadJson(json), now: new Date() })).status).toBe(201);
  }
  destroyClients(c);
  expect(sizes).toEqual([5, 5]);
});
it('syncs a first 100,000-device snapshot in 82 write requests: every identifier bucket, 25 a request', async () => {
  const c = createClients(storageConfig());
  const installId = await newInstall(c, 'first snapshot writes');
  const seed = `first-${process.pid}-${Date.now()}`;
  const snapshot = sample('devices', { devices: 100_000, seed, collectedAt: minutesAgo(60) });
  // Identifiers of this install alone, so no other test's install makes duplicates of them.
  snapshot.records = snapshot.records.map((d, i) => ({ ...d, hardwareId: `HW-${seed}-${i}`, serialNumber: d.serialNumber && `SN-${seed}-${i}`, arid: null }));
  await acceptUpload(c, { installId, queryType: 'devices', body: plainUploadJson(Buffer.from(JSON.stringify(snapshot))), now: new Date() });
  const { counts } = countSyncWrites(c, installId);
  expect((await syncFleetIndexes(c, installId)).identifiersAdded).toBe(150_000);
  expect(counts.holderBatches).toBe(Math.ceil(IDENTIFIER_BUCKETS / 25));
  expect(counts.others).toEqual({ PutItemCommand: 2 });
  destroyClients(c);
}, 300_000);

it('syncs the duplicate-identifier index with writes proportional to the change', async () => {
  const c = createClients(storageConfig());
  const installId = await newInstall(c, 'sync writes');
  const seed = `sync-${Date.now()}`;
  const first = sample('devices', { devices: 200, seed, collectedAt: minutesAgo(60) });
  // The sample's identifiers do not depend on the seed, so other tests' installs hold them too;
  // the device replaced below must be this install's alone, or its removal may unflag a duplicate.
  first.records[0] = { ...first.records[0]!, hardwareId: `HW-${seed}`, serialNumber: `SN-${seed}` };
  await acceptUpload(c, { installId, queryType: 'devices', body: plainUploadJson(Buffer.from(JSON.stringify(first))), now: new Date() });
  const initial = await syncFleetIndexes(c, installId);
  const identifiers = first.records.reduce((n, d) => n + ['arid', 'hardwareId', 'serialNumber'].filter((k) => d[k] !== null).length, 0);
  expect(initial.identifiersAdded).toBe(identifiers);

  // The next day one device is replaced: two identifiers go, two come.
  const next = { ...first, collectedAt: minutesAgo(30), records: [...first.records.slice(1), { ...first.records[0]!, deviceId: 'replacement', arid: '99999999', hardwareId: 'HW-REPLACEMENT', serialNumber: null }] };
  await acceptUpload(c, { installId, queryType: 'devices', body: plainUploadJson(Buffer.from(JSON.stringify(next))), now: new Date() });
  const { counts } = countSyncWrites(c, installId);
  const changed = await syncFleetIndexes(c, installId);
  const removedCount = ['arid', 'hardwareId', 'serialNumber'].filter((k) => first.records[0]![k] !== null).length;
  expect(changed).toEqual({ identifiersAdded: 2, identifiersRemoved: removedCount, versionsUpdated: true });
  // The changed identifiers' buckets (at most six) in one BatchWriteItem, and the install's
  // fleet state twice (pending while the buckets are written, then done).
  expect(counts.holderBatches).toBe(1);
  expect(counts.others).toEqual({ PutItemCommand: 2 });
  // Nothing changed: nothing written.
  const again = injectFaults(c, []);
  expect(await syncFleetIndexes(c, installId)).toEqual({ identifiersAdded: 0, identifiersRemoved: 0, versionsUpdated: false });
  expect(writesOf(again.calls)).toEqual({});
});
