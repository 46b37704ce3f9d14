/**
 * Starts the embedded emulators once for the whole test run and provisions the table and
 * buckets. Test workers inherit the endpoints through the environment.
 */
import { type ScratchStorage, startScratchStorage } from '../../functions/local/scratchStorage.js';

export async function startTestEmulators(): Promise<void> {
  (globalThis as { __storage?: ScratchStorage }).__storage = await startScratchStorage('test');
}

export async function stopTestEmulators(): Promise<void> {
  await (globalThis as { __storage?: ScratchStorage }).__storage?.stop();
}
