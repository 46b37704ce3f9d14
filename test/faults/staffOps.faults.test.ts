/**
 * Staff writes under injected faults (DESIGN.md §11): a change and its audit entry commit
 * together or not at all; and a purge killed halfway is finished by running it again, leaving
 * nothing of the install but its audit entries; what was under way when it began leaves nothing.
 */
import { randomUUID } from 'node:crypto';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { itemKeys } from '../../functions/domain/storageKeys.js';
import { plainUploadJson } from '../../functions/domain/uploadJson.js';
import { sampleUpload } from '../../functions/samples/sampleUploads.js';
import { acceptUpload } from '../../functions/services/acceptUpload.js';
import { purgeInstall } from '../../functions/services/installPurge.js';
import { createUploadSession } from '../../functions/services/uploadSessions.js';
import { syncFleetIndexes } from '../../functions/services/syncFleetIndexes.js';
import { listAudit } from '../../functions/store/audit.js';
import { createClients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { patchInstall } from '../../functions/store/installLifecycle.js';
import { createInstall, findApiKey, getInstall, rotateInstallKey } from '../../functions/store/installs.js';
import { hashApiKey } from '../../functions/domain/apiKeys.js';
import { putEntitlement, removeEntitlement } from '../../functions/services/entitlements.js';
import { table } from '../../functions/store/tableDefinition.js';
import { commitAcceptedUpload, getLatest } from '../../functions/store/uploadLog.js';
import { s3Of } from '../../functions/store/s3Client.js';
import type { LicenseFile } from '../../functions/domain/licenseFileTypes.js';
import { storeLicenseFile } from '../../functions/store/licenseFiles.js';
import { createStaffKey, listStaffKeys, revokeStaffKey } from '../../functions/store/staffKeys.js';
import { injectFaults } from '../support/faults.js';
import { injectedError, interceptSdkCalls } from '../support/sdkCalls.js';
import { minutesAgo } from '../support/time.js';

const c = createClients(storageConfig());
afterAll(() => destroyClients(c));

const auditActions = async (target: string) => (await listAudit(c, { target }, { limit: 100 })).items.map((e) => e.action);

describe('change and entry commit together or not at all', () => {
  it.each([false, true])('a rename whose transaction fails (afterSend: %s)', async (afterSend) => {
    const { install } = await createInstall(c, { customerId: 'atomic', name: 'Before' }, new Date(), 'tester');
    const faults = injectFaults(c, [{ command: 'TransactWriteItemsCommand', afterSend }]);
    await expect(patchInstall(c, install.installId, { name: 'After' }, 'tester', new Date())).rejects.toThrow(/injected/);
    faults.remove();
    const now = await getInstall(c, install.installId, true);
    const actions = await auditActions(`install/${install.installId}`);
    // Either both happened (the answer was lost) or neither.
    expect({ renamed: now!.name === 'After', entry: actions.includes('install.rename') }).toEqual({ renamed: afterSend, entry: afterSend });
  });

  it.each([false, true])('a staff key created and revoked with failing transactions (afterSend: %s)', async (afterSend) => {
    const name = `atomic-${afterSend}-${process.pid}`;
    let faults = injectFaults(c, [{ command: 'TransactWriteItemsCommand', afterSend }]);
    await expect(createStaffKey(c, { name }, 'tester', new Date())).rejects.toThrow(/injected/);
    faults.remove();
    const made = (await listStaffKeys(c)).find((k) => k.name === name);
    expect(made !== undefined).toBe(afterSend);
    if (made) expect(await auditActions(`staff-key/${made.keyId}`)).toEqual(['staff-key.create']);
    const key = made ?? (await createStaffKey(c, { name }, 'tester', new Date()));
    faults = injectFaults(c, [{ command: 'TransactWriteItemsCommand', afterSend }]);
    await expect(revokeStaffKey(c, key.keyId, { actor: 'tester' }, new Date())).rejects.toThrow(/injected/);
    faults.remove();
    const revoked = (await listStaffKeys(c)).find((k) => k.keyId === key.keyId)!.revokedAt !== null;
    expect({ revoked, entry: (await auditActions(`staff-key/${key.keyId}`)).includes('staff-key.revoke') }).toEqual({ revoked: afterSend, entry: afterSend });
  });

  it('an install whose creation fails leaves no entry', async () => {
    const before = (await listAudit(c, { actor: 'creator-under-fault' }, { limit: 100 })).items.length;
    const faults = injectFaults(c, [{ command: 'TransactWriteItemsCommand' }]);
    await expect(createInstall(c, { customerId: 'atomic', name: 'Never' }, new Date(), 'creator-under-fault')).rejects.toThrow(/injected/);
    faults.remove();
    expect((await listAudit(c, { actor: 'creator-under-fault' }, { limit: 100 })).items.length).toBe(before);
  });
});

async function seededInstall(name: string): Promise<string> {
  const { install } = await createInstall(c, { customerId: `purge-faults-${process.pid}`, name }, new Date(), 'tester');
  for (const queryType of ['devices', 'device-versions', 'user-counts', 'call-quality'] as const) {
    const body = plainUploadJson(Buffer.from(JSON.stringify(sampleUpload(queryType, { collectedAt: minutesAgo(20) }))));
    await acceptUpload(c, { installId: install.installId, customerId: install.customerId, queryType, body, now: new Date() });
  }
  return install.installId;
}

async function traces(installId: string): Promise<number> {
  const objects = await s3Of(c).send(new ListObjectsV2Command({ Bucket: c.config.rawBucket, Prefix: 'raw/' }));
  const raw = (objects.Contents ?? []).filter((o: { Key?: string }) => o.Key?.includes(`install=${installId}/`)).length;
  const own = await c.ddb.send(new QueryCommand({ TableName: c.config.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': itemKeys.install(installId).PK }, ConsistentRead: true }));
  const uploads = await c.ddb.send(new QueryCommand({ TableName: c.config.tableName, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': `INSTALL#${installId}` } }));
  // The fleet indexes' items that still count the install: its bucket holders, and duplicates naming it.
  let holders = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await c.ddb.send(
      new ScanCommand({
        TableName: c.config.tableName,
        FilterExpression: 'begins_with(PK, :bucket) AND (installId = :id OR contains(installs, :id))',
        ExpressionAttributeValues: { ':bucket': 'IDBUCKET#', ':id': installId },
        ExclusiveStartKey,
      }),
    );
    holders += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return raw + (own.Items?.length ?? 0) + (uploads.Items?.length ?? 0) + holders;
}

type Keyed = { Key?: { SK?: string }; UpdateExpression?: string };
/** The items of a TransactWriteItems (document client input), by operation. */
const transactItems = (input: Record<string, unknown>) => (input.TransactItems ?? []) as { Update?: Keyed; Delete?: Keyed }[];
/** Whether a BatchWriteItem (document client input) deletes an item whose sort key starts with `prefix`. */
function batchDeletes(input: Record<string, unknown>, prefix: string): boolean {
  const requests = Object.values((input.RequestItems ?? {}) as Record<string, { DeleteRequest?: Keyed }[]>).flat();
  return requests.some((request) => request.DeleteRequest?.Key?.SK?.startsWith(prefix));
}

describe('a purge killed halfway, run again', () => {
  // Killed at each step, each told by what its first request writes: the mark (the install item's
  // update), the fleet step (its latest summaries' deletes), the items (the snapshots' deletes),
  // the raw objects (the second delete of objects), the last transaction (the install item's delete).
  let deletesOfObjects = 0;
  const kills: Record<string, (command: string, input: Record<string, unknown>) => boolean> = {
    mark: (command, input) =>
      command === 'TransactWriteItemsCommand' && transactItems(input).some((item) => item.Update?.Key?.SK === 'INSTALL' && item.Update.UpdateExpression?.includes('deleting')),
    fleet: (command, input) => command === 'BatchWriteItemCommand' && batchDeletes(input, 'LATEST#'),
    items: (command, input) => command === 'BatchWriteItemCommand' && batchDeletes(input, 'SNAPSHOT#'),
    raw: (command) => command === 'DeleteObjectsCommand' && ++deletesOfObjects === 2,
    forget: (command, input) => command === 'TransactWriteItemsCommand' && transactItems(input).some((item) => item.Delete?.Key?.SK === 'INSTALL'),
  };
  it.each(Object.keys(kills))('killed in the %s step, it finishes on the second run', async (step) => {
    const installId = await seededInstall(`killed in ${step}`);
    await syncFleetIndexes(c, installId);
    expect(await traces(installId)).toBeGreaterThan(0);
    deletesOfObjects = 0;
    let killed = false;
    const hook = interceptSdkCalls(c, async ({ command, input }, send) => {
      if (killed || !kills[step]!(command, input)) return send();
      killed = true;
      throw injectedError(`injected fault in the ${step} step`);
    });
    await expect(purgeInstall(c, installId, 'tester', new Date())).rejects.toThrow(/injected/);
    hook.remove();
    expect(await purgeInstall(c, installId, 'tester', new Date())).toBe(true);
    expect(await traces(installId)).toBe(0);
    expect(await purgeInstall(c, installId, 'tester', new Date())).toBe(false);
    expect(await auditActions(`install/${installId}`)).toEqual(['install.delete', 'install.create']);
  });
});

describe('what is under way when a purge begins or the install is decommissioned', () => {
  // An upload session's object processed meanwhile, or a request authorized just before the key
  // went: once the install is marked (or retired), its commit (or a license file's) is refused, so
  // nothing is written after the purge has listed what to delete, or into the reports it left.
  it('stores no upload and no license file once the install is marked', async () => {
    const installId = await seededInstall('under way');
    const install = await getInstall(c, installId);
    const rawObjects = async () =>
      ((await s3Of(c).send(new ListObjectsV2Command({ Bucket: c.config.rawBucket, Prefix: 'raw/' }))).Contents ?? []).filter((o: { Key?: string }) => o.Key?.includes(`install=${installId}/`)).length;
    const before = await rawObjects();
    // The purge killed right after its mark (its fleet step's first delete).
    const faults = injectFaults(c, [{ command: 'BatchWriteItemCommand' }]);
    await expect(purgeInstall(c, installId, 'tester', new Date())).rejects.toThrow(/injected/);
    faults.remove();
    expect((await getInstall(c, installId, true))?.deleting).toBe(true);

    // A required type and an optional one (whose usage collection is on): the install is gone for both.
    for (const queryType of ['user-counts', 'call-quality'] as const) {
      const body = plainUploadJson(Buffer.from(JSON.stringify(sampleUpload(queryType, { collectedAt: minutesAgo(5) }))));
      await expect(acceptUpload(c, { installId, customerId: install!.customerId, queryType, body, now: new Date() })).rejects.toMatchObject({ code: 'not_found' });
    }
    expect(await rawObjects()).toBe(before);

    const now = new Date();
    const file = { licenseFileId: randomUUID(), installId, customerId: install!.customerId, issuedAt: now.toISOString(), expiresAt: minutesAgo(-60) } as LicenseFile;
    const audit = { at: now.toISOString(), actor: 'tester', action: 'license-file.issue' as const, target: `install/${installId}`, details: {} };
    expect(await storeLicenseFile(c, file, 'fingerprint', now, audit)).toEqual({ kind: 'install-gone' });

    expect(await purgeInstall(c, installId, 'tester', new Date())).toBe(true);
    expect(await traces(installId)).toBe(0);
  });

  it('stores no upload and no license file once the install is decommissioned, so it stays out of the reports it left', async () => {
    const installId = await seededInstall('retired under way');
    const install = await getInstall(c, installId);
    await patchInstall(c, installId, { status: 'decommissioned' }, 'tester', new Date());
    // An upload session's object processed after the install was retired (its key answers 401 by now).
    const body = plainUploadJson(Buffer.from(JSON.stringify(sampleUpload('device-license-states', { collectedAt: minutesAgo(5) }))));
    await expect(acceptUpload(c, { installId, customerId: install!.customerId, queryType: 'device-license-states', body, now: new Date() })).rejects.toMatchObject({ code: 'conflict' });
    const item = (await c.ddb.send(new GetCommand({ TableName: c.config.tableName, Key: itemKeys.install(installId), ConsistentRead: true }))).Item!;
    // Not back in the stale report (installsByLastSeen), nor a latest license state in the expiring one.
    expect(item[table.indexes.installsByLastSeen.partitionKey]).toBeUndefined();
    expect(await getLatest(c, installId, 'device-license-states')).toBeUndefined();
    const now = new Date();
    const file = { licenseFileId: randomUUID(), installId, customerId: install!.customerId, issuedAt: now.toISOString(), expiresAt: minutesAgo(-60) } as LicenseFile;
    const audit = { at: now.toISOString(), actor: 'tester', action: 'license-file.issue' as const, target: `install/${installId}`, details: {} };
    expect(await storeLicenseFile(c, file, 'fingerprint', now, audit)).toEqual({ kind: 'install-decommissioned' });
    // Not left behind for the tests that read the reports.
    expect(await purgeInstall(c, installId, 'tester', new Date())).toBe(true);
  });

  // cutShort: the take-back's first write fails (the sync stopped there); the next sync finishes it.
  it.each([false, true])("takes back a fleet sync's writes that landed after the purge's fleet step, and its state (cut short: %s)", async (cutShort) => {
    const installId = await seededInstall(`sync under way ${cutShort}`);
    // The sync has its own clients: its first bucket write is held until the whole purge has run.
    const syncing = createClients(storageConfig());
    let reached!: () => void;
    const atHeldWrite = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    let refused = false;
    const hook = interceptSdkCalls(syncing, async ({ command, input }, send) => {
      if (command === 'BatchWriteItemCommand' && !held) {
        held = true;
        reached();
        await released;
      }
      // After the sync read the install (gone), its next bucket write is its take-back.
      if (command === 'GetItemCommand' && (input.Key as { SK?: string } | undefined)?.SK === 'INSTALL') refused = true;
      else if (cutShort && refused && command === 'BatchWriteItemCommand') throw injectedError('injected fault in the take-back');
      return send();
    });
    try {
      const sync = syncFleetIndexes(syncing, installId);
      await atHeldWrite;
      expect(await purgeInstall(c, installId, 'tester', new Date())).toBe(true);
      release();
      if (cutShort) {
        await expect(sync).rejects.toThrow(/injected/);
        expect(await traces(installId)).toBeGreaterThan(0);
        // As the stream delivers the change again: the sync's retry.
        await syncFleetIndexes(c, installId);
      } else {
        expect(await sync).toEqual({ identifiersAdded: 0, identifiersRemoved: 0, versionsUpdated: false });
      }
      expect(await traces(installId)).toBe(0);
    } finally {
      release();
      hook.remove();
      destroyClients(syncing);
    }
  });

  it('reads a decommissioned install again when an upload committed between its read and its write', async () => {
    const installId = await seededInstall('retired while uploading');
    const install = await getInstall(c, installId);
    // The PATCH has its own clients: an upload commits just before its transaction goes.
    const retiring = createClients(storageConfig());
    let raced = false;
    const hook = interceptSdkCalls(retiring, async ({ command }, send) => {
      if (command === 'TransactWriteItemsCommand' && !raced) {
        raced = true;
        const body = plainUploadJson(Buffer.from(JSON.stringify(sampleUpload('container-license-states', { collectedAt: minutesAgo(5) }))));
        expect((await acceptUpload(c, { installId, customerId: install!.customerId, queryType: 'container-license-states', body, now: new Date() })).status).toBe(201);
      }
      return send();
    });
    try {
      await patchInstall(retiring, installId, { status: 'decommissioned' }, 'tester', new Date());
    } finally {
      hook.remove();
      destroyClients(retiring);
    }
    const expiring = table.indexes.expiringByDate.partitionKey;
    const latest = (await c.ddb.send(new GetCommand({ TableName: c.config.tableName, Key: itemKeys.latest(installId, 'container-license-states'), ConsistentRead: true }))).Item!;
    // The upload's summary has licensed records that end (it was in the expiring report), and is out of it now.
    expect(typeof latest.expiriesJson).toBe('string');
    expect(latest[expiring]).toBeUndefined();
    const item = (await c.ddb.send(new GetCommand({ TableName: c.config.tableName, Key: itemKeys.install(installId), ConsistentRead: true }))).Item!;
    expect(item[table.indexes.installsByLastSeen.partitionKey]).toBeUndefined();
    expect(await purgeInstall(c, installId, 'tester', new Date())).toBe(true);
  });

  it('reactivates once when two requests race, and keeps the stale report on the last upload', async () => {
    const installId = await seededInstall('reactivated twice');
    const install = await getInstall(c, installId);
    await patchInstall(c, installId, { status: 'decommissioned' }, 'tester', new Date());
    // The first PATCH has its own clients: before its transaction goes, another reactivates the
    // install and an upload commits (a later lastSeenAt than the one the first PATCH read).
    const first = createClients(storageConfig());
    let raced = false;
    const hook = interceptSdkCalls(first, async ({ command }, send) => {
      if (command === 'TransactWriteItemsCommand' && !raced) {
        raced = true;
        await patchInstall(c, installId, { status: 'active' }, 'tester', new Date());
        const body = plainUploadJson(Buffer.from(JSON.stringify(sampleUpload('user-counts', { collectedAt: minutesAgo(3) }))));
        expect((await acceptUpload(c, { installId, customerId: install!.customerId, queryType: 'user-counts', body, now: new Date() })).status).toBe(201);
      }
      return send();
    });
    try {
      expect((await patchInstall(first, installId, { status: 'active' }, 'tester', new Date())).status).toBe('active');
    } finally {
      hook.remove();
      destroyClients(first);
    }
    expect((await auditActions(`install/${installId}`)).filter((action) => action === 'install.reactivate')).toHaveLength(1);
    const item = (await c.ddb.send(new GetCommand({ TableName: c.config.tableName, Key: itemKeys.install(installId), ConsistentRead: true }))).Item!;
    expect(item[table.indexes.installsByLastSeen.sortKey]).toBe(`${item.lastSeenAt}#${installId}`);
    expect(await purgeInstall(c, installId, 'tester', new Date())).toBe(true);
  });

  it('opens no upload session for an install being purged or decommissioned', async () => {
    const request = { kind: 'query' as const, queryType: 'devices', contentLength: 100 };
    const purged = await seededInstall('session while purged');
    const faults = injectFaults(c, [{ command: 'BatchWriteItemCommand' }]);
    await expect(purgeInstall(c, purged, 'tester', new Date())).rejects.toThrow(/injected/);
    faults.remove();
    await expect(createUploadSession(c, { installId: purged, request, now: new Date() })).rejects.toMatchObject({ code: 'not_found' });
    const retired = await seededInstall('session while retired');
    await patchInstall(c, retired, { status: 'decommissioned' }, 'tester', new Date());
    await expect(createUploadSession(c, { installId: retired, request, now: new Date() })).rejects.toMatchObject({ code: 'conflict' });
    expect(await purgeInstall(c, purged, 'tester', new Date())).toBe(true);
    expect(await traces(purged)).toBe(0);
    expect(await purgeInstall(c, retired, 'tester', new Date())).toBe(true);
  });

  it('still tells an install whose usage collection is off from one that is gone', async () => {
    const { install } = await createInstall(c, { customerId: `purge-faults-${process.pid}`, name: 'opted out' }, new Date(), 'tester');
    const set = (expression: string, value: boolean) =>
      c.ddb.send(new UpdateCommand({ TableName: c.config.tableName, Key: itemKeys.install(install.installId), UpdateExpression: expression, ExpressionAttributeValues: { ':value': value } }));
    // An optional type's commit, reached without a read of the install: the commit decides.
    const commit = (collectedAt: string) =>
      commitAcceptedUpload(c, {
        receipt: { uploadId: randomUUID(), installId: install.installId, queryType: 'call-quality', collectedAt, recordCount: 1, sha256: '0'.repeat(64), duplicate: false },
        customerId: install.customerId,
        rawKey: 'raw/never-read',
        receivedAt: new Date().toISOString(),
        summary: {},
        requiresUsageCollection: true,
      });
    // The flag turned off after the upload read the install.
    await set('SET usageCollectionEnabled = :value', false);
    expect(await commit(minutesAgo(5))).toEqual({ kind: 'install-refused', reason: 'usage-collection-disabled' });
    // Marked by a purge as well: gone, whatever the flag.
    await set('SET deleting = :value', true);
    expect(await commit(minutesAgo(4))).toEqual({ kind: 'install-refused', reason: 'gone' });
    // The purge its mark stands for.
    expect(await purgeInstall(c, install.installId, 'tester', new Date())).toBe(true);
  });
});

describe('staff writes racing each other', () => {
  const other = createClients(storageConfig());
  afterAll(() => destroyClients(other));

  /** Runs `racing` (on other clients) right before the first TransactWriteItems `c` sends from now on. */
  function beforeFirstTransaction(racing: () => Promise<unknown>): { remove(): void; ran(): boolean } {
    let fired = false;
    const hook = interceptSdkCalls(c, async ({ command }, send) => {
      if (command === 'TransactWriteItemsCommand' && !fired) {
        fired = true;
        await racing();
      }
      return send();
    });
    return { remove: hook.remove, ran: () => fired };
  }
  const keyWorks = async (apiKey: string) => (await findApiKey(c, hashApiKey(apiKey))) !== undefined;

  it.each(['decommissioned', 'active'] as const)('a key rotated while a PATCH makes the install %s takes the status it ends with', async (status) => {
    const { install, apiKey } = await createInstall(c, { customerId: `race-${process.pid}`, name: `rotate vs ${status}` }, new Date(), 'tester');
    if (status === 'active') await patchInstall(c, install.installId, { status: 'decommissioned' }, 'tester', new Date());
    const race = beforeFirstTransaction(() => patchInstall(other, install.installId, { status }, 'tester', new Date()));
    const rotated = await rotateInstallKey(c, install.installId, new Date()).finally(race.remove);
    expect(race.ran()).toBe(true);
    expect((await getInstall(c, install.installId, true))!.status).toBe(status);
    // A retired install's new key is refused as its old one; a reactivated one's works.
    expect(await keyWorks(rotated)).toBe(status === 'active');
    expect(await keyWorks(apiKey)).toBe(false);
    await purgeInstall(c, install.installId, 'tester', new Date());
  });

  it('a key rotated while a purge runs: the rotation answers 404, and no key is left', async () => {
    const { install, apiKey } = await createInstall(c, { customerId: `race-${process.pid}`, name: 'rotate vs purge' }, new Date(), 'tester');
    // The purge has marked the install (and deleted the key it read) when the rotation commits.
    const race = beforeFirstTransaction(async () => {
      const cut = injectFaults(other, [{ command: 'QueryCommand' }]);
      await expect(purgeInstall(other, install.installId, 'tester', new Date())).rejects.toThrow(/injected/);
      cut.remove();
    });
    await expect(rotateInstallKey(c, install.installId, new Date()).finally(race.remove)).rejects.toMatchObject({ code: 'not_found' });
    expect(race.ran()).toBe(true);
    expect(await purgeInstall(c, install.installId, 'tester', new Date())).toBe(true);
    expect(await keyWorks(apiKey)).toBe(false);
    const keys = await c.ddb.send(new ScanCommand({ TableName: c.config.tableName, FilterExpression: 'installId = :id AND #type = :key', ExpressionAttributeNames: { '#type': 'type' }, ExpressionAttributeValues: { ':id': install.installId, ':key': 'key' } }));
    expect(keys.Items).toEqual([]);
  });

  it('a purge whose mark meets a key rotated since its read deletes the new key', async () => {
    const { install, apiKey } = await createInstall(c, { customerId: `race-${process.pid}`, name: 'purge vs rotate' }, new Date(), 'tester');
    let rotated = '';
    const race = beforeFirstTransaction(async () => {
      rotated = await rotateInstallKey(other, install.installId, new Date());
    });
    expect(await purgeInstall(c, install.installId, 'tester', new Date()).finally(race.remove)).toBe(true);
    expect(race.ran()).toBe(true);
    expect(await keyWorks(apiKey)).toBe(false);
    expect(await keyWorks(rotated)).toBe(false);
    expect(await getInstall(c, install.installId, true)).toBeUndefined();
    expect(await auditActions(`install/${install.installId}`)).toEqual(expect.arrayContaining(['install.key.rotate', 'install.delete']));
  });

  it('an entitlement written or removed while another transaction holds it is tried again, not answered 500', async () => {
    const customerId = `conflict-${process.pid}`;
    const conflictOnce = () => {
      let thrown = false;
      return interceptSdkCalls(c, async ({ command }, send) => {
        if (command === 'TransactWriteItemsCommand' && !thrown) {
          thrown = true;
          throw Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }] });
        }
        return send();
      });
    };
    const body = { item: 'IPT users', quantity: 10, termStart: '2026-01-01', termEnd: null };
    let hook = conflictOnce();
    const put = await putEntitlement(c, { customerId, entitlementId: 'e1', body, actor: 'tester', now: new Date() }).finally(hook.remove);
    expect(put.created).toBe(true);
    hook = conflictOnce();
    await removeEntitlement(c, { customerId, entitlementId: 'e1', actor: 'tester', now: new Date() }).finally(hook.remove);
    await expect(removeEntitlement(c, { customerId, entitlementId: 'e1', actor: 'tester', now: new Date() })).rejects.toMatchObject({ code: 'not_found' });
  });
});
