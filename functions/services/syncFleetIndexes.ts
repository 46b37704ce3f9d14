/**
 * Brings the fleet indexes of one install up to date with its latest devices and
 * device-versions snapshots. Runs after such a snapshot becomes current: on AWS from the
 * table's stream, locally in the background of the local server. Idempotent, and its writes
 * are proportional to what changed since the snapshots it last reflected.
 */
import { identifierChanges, identifiersOf, versionHistogram } from '../domain/fleetIndexes.js';
import type { DeviceRecord } from '../domain/queries/devices.js';
import type { DeviceVersionRecord } from '../domain/queries/deviceVersions.js';
import type { QueryType } from '../domain/queries/index.js';
import type { Clients } from '../store/clients.js';
import { changeIdentifierHolder, getFleetState, putFleetState } from '../store/fleetIndexes.js';
import { readRawRecords } from '../store/rawArchive.js';
import { getLatest } from '../store/uploadLog.js';
import { inParallel } from './inParallel.js';

/** The query types whose current snapshot feeds the fleet indexes. */
export const fleetIndexQueryTypes: ReadonlySet<QueryType> = new Set<QueryType>(['devices', 'device-versions']);

/** How many identifier updates run at once. */
const PARALLEL_UPDATES = 16;

export interface SyncResult {
  identifiersAdded: number;
  identifiersRemoved: number;
  versionsUpdated: boolean;
}

async function recordsOf<R>(c: Clients, rawKey: string): Promise<R[]> {
  return rawKey === '' ? [] : readRawRecords<R>(c, rawKey);
}

/**
 * `signal` interrupts a long sync between two updates (the local server's shutdown); the
 * install's fleet state is then not recorded, so the next sync starts again from it.
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
  if (devicesRawKey === state.devicesRawKey && versionsRawKey === state.versionsRawKey) return result;

  const devices = await recordsOf<DeviceRecord>(c, devicesRawKey);
  if (devicesRawKey !== state.devicesRawKey) {
    const before = identifiersOf(await recordsOf<DeviceRecord>(c, state.devicesRawKey));
    const { added, removed } = identifierChanges(identifiersOf(devices), before);
    const changes: [string, boolean][] = [...added.map((k) => [k, true] as [string, boolean]), ...removed.map((k) => [k, false] as [string, boolean])];
    await inParallel(changes, PARALLEL_UPDATES, ([identifier, hold]) => {
      signal?.throwIfAborted();
      return changeIdentifierHolder(c, identifier, installId, hold);
    });
    result.identifiersAdded = added.length;
    result.identifiersRemoved = removed.length;
  }
  const versions = await recordsOf<DeviceVersionRecord>(c, versionsRawKey);
  result.versionsUpdated = true;
  // Recorded last: a sync that fails part-way is repeated from the same starting point.
  await putFleetState(c, installId, { devicesRawKey, versionsRawKey, versions: versionHistogram(devices, versions) });
  return result;
}

