/**
 * Starts the embedded emulators once for the whole test run (DynamoDB Local in memory,
 * s3rver in a temporary folder) and provisions the table and buckets. Test workers inherit
 * the endpoints through the environment.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Emulators, startEmulators } from '../../functions/local/emulators.js';
import { provisionStorage } from '../../functions/local/provision.js';
import { createClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';

export async function startTestEmulators(): Promise<void> {
  const s3Dir = await mkdtemp(join(tmpdir(), 'mpa-test-s3-'));
  const emulators = await startEmulators({ s3Dir });
  Object.assign(process.env, {
    DYNAMODB_ENDPOINT: emulators.dynamoDbEndpoint,
    S3_ENDPOINT: emulators.s3Endpoint,
    TABLE_NAME: 'mpa-licensing-test',
    RAW_BUCKET: 'mpa-licensing-raw-test',
    INCOMING_BUCKET: 'mpa-licensing-incoming-test',
    STAFF_API_KEY: 'test-staff-key-not-secret',
    TEST_S3_DIR: s3Dir,
  });
  const clients = createClients(storageConfig());
  await provisionStorage(clients);
  clients.s3.destroy();
  clients.ddb.destroy();
  (globalThis as { __emulators?: typeof emulators }).__emulators = emulators;
}

export async function stopTestEmulators(): Promise<void> {
  await (globalThis as { __emulators?: Emulators }).__emulators?.stop();
  if (process.env.TEST_S3_DIR) await rm(process.env.TEST_S3_DIR, { recursive: true, force: true });
}
