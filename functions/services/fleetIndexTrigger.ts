/**
 * "An install's devices or device-versions snapshot became current": the signal that its fleet
 * indexes need a sync. On AWS the table's stream carries it to a Lambda, so nothing listens
 * in-process there; the local server registers a background runner.
 */
import type { QueryType } from '../domain/queries/index.js';
import { fleetIndexQueryTypes } from './syncFleetIndexes.js';

type Listener = (installId: string) => void;
let listener: Listener | undefined;

export function onFleetSnapshotChanged(next: Listener | undefined): void {
  listener = next;
}

export function snapshotBecameCurrent(installId: string, queryType: QueryType): void {
  if (fleetIndexQueryTypes.has(queryType)) listener?.(installId);
}
