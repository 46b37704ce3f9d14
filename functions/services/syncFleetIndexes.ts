/**
 * Brings the fleet indexes of one install up to date with its latest devices and
 * device-versions snapshots. Runs after such a snapshot becomes current: on AWS from the
 * table's stream, locally from the local server's stand-in for it. Idempotent, and its writes
 * are proportional to the identifier buckets that changed since the snapshots it last
 * reflected (at most 2,048 items, 25 a request, for a first snapshot of any size).
 */
import {
  changedBuckets,
  duplicatesAmong,
  IDENTIFIER_BUCKETS,
  identifierChanges,
  identifiersByBucket,
  identifiersOf,
  type VersionHistogram,
  versionHistogram,
} from '../domain/fleetIndexes.js';
import type { DeviceRecord } from '../domain/queries/devices.js';
import type { DeviceVersionRecord } from '../domain/queries/deviceVersions.js';
import type { Clients } from '../store/clients.js';
import {
  deleteFleetState,
  getFleetState,
  putBucketHolders,
  putFleetState,
  readIdentifierBucket,
  writeBucketDuplicates,
} from '../store/fleetIndexes.js';
import { installTakesData } from '../store/installs.js';
import { readRawRecords } from '../store/rawArchive.js';
import { getLatest } from '../store/uploadLog.js';
import { inParallel } from './inParallel.js';

/** Buckets written per BatchWriteItem call, and how many such calls or bucket reads run at once. */
const BUCKETS_PER_WRITE = 25;
const PARALLEL_REQUESTS = 8;
/** Rounds of "read the bucket, repair its duplicate items" before giving up (the stream retries). */
const DUPLICATE_ROUNDS = 5;

export interface SyncResult {
  identifiersAdded: number;
  identifiersRemoved: number;
  versionsUpdated: boolean;
}

async function recordsOf<R>(c: Clients, rawKey: string): Promise<R[]> {
  return rawKey === '' ? [] : readRawRecords<R>(c, rawKey);
}

/**
 * Makes a bucket's duplicate items match its holders: read (strongly consistent), write the
 * difference, read again until they agree. Every writer reads after its last write, so the
 * last reader of a bucket sees every write made to it: when syncs of two installs race on
 * a bucket, the one that reads last leaves it right.
 */
async function repairDuplicates(c: Clients, bucket: number): Promise<void> {
  for (let round = 0; round < DUPLICATE_ROUNDS; round++) {
    const { holders, duplicates } = await readIdentifierBucket(c, bucket);
    const wanted = duplicatesAmong(holders);
    const put = new Map([...wanted].filter(([key, installs]) => duplicates.get(key)?.join('\n') !== installs.join('\n')));
    const remove = [...duplicates.keys()].filter((key) => !wanted.has(key));
    if (put.size === 0 && remove.length === 0) return;
    await writeBucketDuplicates(c, bucket, put, remove);
  }
  throw new Error(`the duplicate identifiers of bucket ${bucket} kept changing during ${DUPLICATE_ROUNDS} rounds`);
}

/**
 * What the indexes take of the current snapshots: identifiers and the version histogram. The
 * records are let go on return, so one snapshot's records are alive at a time (a
 * 1,000,000-device snapshot's are about 1 GB).
 */
async function whatIndexesNeed(c: Clients, devicesRawKey: string, versionsRawKey: string): Promise<{ wantedKeys: Set<string>; versions: VersionHistogram }> {
  const devices = await recordsOf<DeviceRecord>(c, devicesRawKey);
  return { wantedKeys: identifiersOf(devices), versions: versionHistogram(devices, await recordsOf<DeviceVersionRecord>(c, versionsRawKey)) };
}

/**
 * `signal` interrupts a long sync between two requests (the local server's shutdown); the
 * install's fleet state then still names the pending snapshot, so the next sync rewrites
 * every bucket of the install and finishes the work.
 */
export async function syncFleetIndexes(c: Clients, installId: string, signal?: AbortSignal): Promise<SyncResult> {
  const [state, devicesLatest, versionsLatest] = await Promise.all([
    getFleetState(c, installId),
    getLatest(c, installId, 'devices'),
    getLatest(c, installId, 'device-versions'),
  ]);
  const devicesRawKey = devicesLatest?.rawKey ?? '';
  const versionsRawKey = versionsLatest?.rawKey ?? '';
  const result: SyncResult = { identifiersAdded: 0, identifiersRemoved: 0, versionsUpdated: false };
  const interrupted = state.pendingDevicesRawKey !== undefined;
  if (!interrupted && devicesRawKey === state.devicesRawKey && versionsRawKey === state.versionsRawKey) return result;

  const { wantedKeys, versions } = await whatIndexesNeed(c, devicesRawKey, versionsRawKey);
  /** The buckets this sync gave identifiers of the install. */
  let held: number[] = [];
  if (interrupted || devicesRawKey !== state.devicesRawKey) {
    // Interrupted, every bucket is rewritten whatever the snapshot before held, so it is not read:
    // it would only count the changes, and may be gone by now (a purge's raw step; on AWS the
    // function may not list the bucket, so a missing object answers 403). The counts are then of
    // the whole current set.
    const heldKeys = interrupted ? new Set<string>() : identifiersOf(await recordsOf<DeviceRecord>(c, state.devicesRawKey));
    const wanted = identifiersByBucket(wantedKeys);
    const buckets = interrupted ? [...Array(IDENTIFIER_BUCKETS).keys()] : changedBuckets(wanted, identifiersByBucket(heldKeys));
    if (buckets.length > 0) {
      // Written first: should this sync stop part-way, the next one knows the buckets are mixed.
      if (!interrupted) await putFleetState(c, installId, { ...state, pendingDevicesRawKey: devicesRawKey });
      await writeHolders(c, installId, buckets, wanted, signal);
      held = buckets.filter((bucket) => wanted.has(bucket));
    }
    const { added, removed } = identifierChanges(wantedKeys, heldKeys);
    result.identifiersAdded = added.length;
    result.identifiersRemoved = removed.length;
  }
  result.versionsUpdated = true;
  // Recorded last: a sync that fails part-way is repeated from the same starting point. Then the
  // install is read: one a purge has marked by now may have had its fleet step before this sync's
  // writes, so the sync takes back what it gave and leaves no state (the purge's own sync, which
  // gives nothing, only leaves none); a purge that marks it later finds this state and undoes it
  // itself. A read after the write rather than a condition on it: a transaction that checks the
  // install item conflicts with the commits of the install's uploads, which write that item.
  await putFleetState(c, installId, { devicesRawKey, versionsRawKey, versions });
  if (!(await installTakesData(c, installId))) {
    if (held.length > 0) {
      // Marked pending first, as a sync's bucket writes are: should this one stop part-way, the
      // next rewrites every bucket of the install from its latest snapshots, which are gone.
      await putFleetState(c, installId, { devicesRawKey: '', versionsRawKey: '', pendingDevicesRawKey: devicesRawKey });
      // Not interrupted by a shutdown: a few requests, and nothing else would take them back.
      await writeHolders(c, installId, held, new Map(), undefined);
    }
    await deleteFleetState(c, installId);
    return { identifiersAdded: 0, identifiersRemoved: 0, versionsUpdated: false };
  }
  return result;
}

/** Sets the install's identifiers in each of `buckets` to `wanted`'s (none: its item there goes), then each bucket's duplicates. */
async function writeHolders(c: Clients, installId: string, buckets: number[], wanted: Map<number, string[]>, signal: AbortSignal | undefined): Promise<void> {
  const writes: number[][] = [];
  for (let i = 0; i < buckets.length; i += BUCKETS_PER_WRITE) writes.push(buckets.slice(i, i + BUCKETS_PER_WRITE));
  await inParallel(writes, PARALLEL_REQUESTS, (group) => putBucketHolders(c, installId, group.map((bucket) => ({ bucket, keys: wanted.get(bucket) ?? [] })), signal));
  await inParallel(buckets, PARALLEL_REQUESTS, (bucket) => {
    signal?.throwIfAborted();
    return repairDuplicates(c, bucket);
  });
}
