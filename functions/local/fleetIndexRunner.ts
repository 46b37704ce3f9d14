/**
 * Runs fleet index syncs in the background of the local server, one at a time per install,
 * when the table changes as the AWS stream's filter selects (functions/domain/fleetSyncTrigger.ts,
 * seen through functions/local/tableChanges.ts): the upload path knows nothing of it.
 * Stopping interrupts them (a sync is idempotent and records its progress, so the next one
 * finishes the work); `resumeFleetIndexes` catches up on installs left behind at start-up.
 */
import { installToSync } from '../domain/fleetSyncTrigger.js';
import { INSTALLS_PARTITION } from '../domain/storageKeys.js';
import { syncFleetIndexes } from '../services/syncFleetIndexes.js';
import { clients } from '../store/clients.js';
import { queryAll } from '../store/indexQueries.js';
import { table } from '../store/tableDefinition.js';
import { watchTableChanges } from './tableChanges.js';

const running = new Map<string, Promise<void>>();
let abort = new AbortController();
let watching: { stop(): void } | undefined;

/** A key attribute's string, as the document client takes it or marshalled. */
function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const marshalled = (value as { S?: unknown } | undefined)?.S;
  return typeof marshalled === 'string' ? marshalled : undefined;
}

function schedule(installId: string, log: (line: string) => void): void {
  const signal = abort.signal;
  const previous = running.get(installId) ?? Promise.resolve();
  const next = previous
    .then(() => syncFleetIndexes(clients(), installId, signal))
    .then(
      () => undefined,
      (error: unknown) => {
        if (!signal.aborted) log(`fleet index sync of install ${installId} failed: ${(error as Error).message}`);
      },
    );
  running.set(installId, next);
  void next.then(() => {
    if (running.get(installId) === next) running.delete(installId);
  });
}

/** Starts syncing on the changes written through the process-wide clients (call after any resetClients). */
export function startFleetIndexRunner(log: (line: string) => void = (line) => console.error(line)): void {
  abort = new AbortController();
  watching?.stop();
  watching = watchTableChanges(clients(), (item) => {
    const installId = installToSync(stringOf(item[table.partitionKey]), stringOf(item[table.sortKey]));
    if (installId !== undefined) schedule(installId, log);
  });
}

/** Stops listening and interrupts the syncs under way; resolves once they have let go. */
export async function stopFleetIndexRunner(): Promise<void> {
  watching?.stop();
  watching = undefined;
  abort.abort();
  await fleetIndexesIdle();
}

/** Resolves once every scheduled sync has finished. */
export async function fleetIndexesIdle(): Promise<void> {
  while (running.size > 0) await Promise.all(running.values());
}

/** Schedules a sync of every install (each returns at once when already current). */
export async function resumeFleetIndexes(log: (line: string) => void = (line) => console.error(line)): Promise<void> {
  const installs = await queryAll(clients(), { keys: table.indexes.installsByLastSeen, partition: INSTALLS_PARTITION, projection: 'installId' });
  for (const item of installs) schedule(item.installId as string, log);
}
