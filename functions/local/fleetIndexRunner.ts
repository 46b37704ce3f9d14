/** Runs fleet index syncs in the background of the local server, one at a time per install. */
import { onFleetSnapshotChanged } from '../services/fleetIndexTrigger.js';
import { syncFleetIndexes } from '../services/syncFleetIndexes.js';
import { clients } from '../store/clients.js';

const running = new Map<string, Promise<void>>();

export function startFleetIndexRunner(log: (line: string) => void = (line) => console.error(line)): void {
  onFleetSnapshotChanged((installId) => {
    const previous = running.get(installId) ?? Promise.resolve();
    const next = previous
      .then(() => syncFleetIndexes(clients(), installId))
      .then(
        () => undefined,
        (error: unknown) => log(`fleet index sync of install ${installId} failed: ${(error as Error).message}`),
      );
    running.set(installId, next);
    void next.then(() => {
      if (running.get(installId) === next) running.delete(installId);
    });
  });
}

export function stopFleetIndexRunner(): void {
  onFleetSnapshotChanged(undefined);
}

/** Resolves once every scheduled sync has finished. */
export async function fleetIndexesIdle(): Promise<void> {
  while (running.size > 0) await Promise.all(running.values());
}
