import { rm } from 'node:fs/promises';
import type { Emulators } from '../../functions/local/emulators.js';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __emulators?: Emulators }).__emulators?.stop();
  if (process.env.TEST_S3_DIR) await rm(process.env.TEST_S3_DIR, { recursive: true, force: true });
}
