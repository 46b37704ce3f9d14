/**
 * Throw-away storage for tests and benchmarks: the emulators with DynamoDB in memory and
 * s3rver in a temporary folder, the table and buckets provisioned, and the environment set so
 * that the handlers' `clients()` use them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClients, destroyClients } from '../store/clients.js';
import { storageConfig } from '../store/config.js';
import { type Emulators, emulatorEnvironment, startEmulators } from './emulators.js';
import { provisionStorage } from './provision.js';

export interface ScratchStorage {
  emulators: Emulators;
  /** The variables set in process.env (endpoints, table and bucket names, a staff key). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** `name` tells runs apart in names: `mpa-licensing-<name>`, `mpa-licensing-raw-<name>`, … */
export async function startScratchStorage(name: string): Promise<ScratchStorage> {
  const s3Dir = await mkdtemp(join(tmpdir(), `mpa-${name}-s3-`));
  // The local license signing key (functions/licensing/localSigner.ts), created on first use.
  const keyDir = await mkdtemp(join(tmpdir(), `mpa-${name}-keys-`));
  const emulators = await startEmulators({ s3Dir });
  const env = {
    ...emulatorEnvironment(emulators),
    TABLE_NAME: `mpa-licensing-${name}`,
    RAW_BUCKET: `mpa-licensing-raw-${name}`,
    INCOMING_BUCKET: `mpa-licensing-incoming-${name}`,
    STAFF_API_KEY: `${name}-staff-key-not-secret`,
    SCRATCH_S3_DIR: s3Dir,
    LICENSE_SIGNING_KEY_FILE: join(keyDir, 'license-signing-key.pem'),
  };
  Object.assign(process.env, env);
  const clients = createClients(storageConfig());
  try {
    await provisionStorage(clients);
  } finally {
    destroyClients(clients);
  }
  return {
    emulators,
    env,
    stop: async () => {
      await emulators.stop();
      await rm(s3Dir, { recursive: true, force: true });
      await rm(keyDir, { recursive: true, force: true });
    },
  };
}
