/**
 * The one rule of when an install's fleet indexes need a sync: its latest devices or
 * device-versions item changed. The table stream's event filter (lib/constructs/fleetIndexSync.ts),
 * the stream handler's parsing of a record's keys and the local server's stand-in for the
 * stream are all built from this, and this from the key functions.
 */
import type { QueryType } from './queries/index.js';
import { installOfPartition, itemKeys } from './storageKeys.js';

/** The query types whose current snapshot feeds the fleet indexes. */
export const fleetSnapshotTypes = ['devices', 'device-versions'] as const satisfies readonly QueryType[];

/** The keys of the items whose change starts a sync: every install's partition, one of these sort keys. */
export const fleetSyncTrigger = {
  partitionPrefix: itemKeys.install('').PK,
  sortKeys: fleetSnapshotTypes.map((queryType) => itemKeys.latest('', queryType).SK),
} as const;

/** The install to sync when the item with these keys changed, or undefined when its change starts none. */
export function installToSync(partitionKey: string | undefined, sortKey: string | undefined): string | undefined {
  if (partitionKey === undefined || sortKey === undefined || !fleetSyncTrigger.sortKeys.includes(sortKey)) return undefined;
  return installOfPartition(partitionKey);
}
