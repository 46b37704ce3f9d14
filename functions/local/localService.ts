/**
 * The whole service on one machine: emulators, table and buckets, staff key, and the local
 * API on an HTTP server. `bin/server.ts` runs it for `npm start`; tests start it in-process.
 */
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import type { Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { S3rverEvent } from '@20minutes/s3rver';
import { generateApiKey } from '../domain/apiKeys.js';
import { handler as processIncoming } from '../handlers/processIncoming.js';
import { resetLicenseSigner } from '../licensing/signerFromEnvironment.js';
import { INCOMING_PREFIX } from '../sessions/incomingKeys.js';
import { sqsEventOf } from '../sessions/s3Events.js';
import { clients, resetClients, type Clients } from '../store/clients.js';
import type { StorageConfig } from '../store/config.js';
import { lambdaContext } from './apiGatewayEvent.js';
import { type Emulators, emulatorEnvironment, startEmulators } from './emulators.js';
import { fleetSyncsYield, resumeFleetIndexes, startFleetIndexRunner, stopFleetIndexRunner } from './fleetIndexRunner.js';
import { localControlPlaneEnvironment } from './controlPlane.js';
import { createLocalServer } from './localApi.js';
import { provisionStorage } from './provision.js';
import type { RateLimiter } from './rateLimit.js';

export interface LocalServiceOptions {
  host: string;
  port: number;
  dataDir: string;
  log?: (line: string) => void;
  /** Per-caller rate limiting (bin/server.ts: from RATE_LIMIT_PER_SECOND / RATE_LIMIT_BURST); none: unlimited. */
  rateLimiter?: RateLimiter | undefined;
  /** s3rver in the server's process (bench/http.ts compares it with the child process `npm start` runs). */
  s3InProcess?: boolean;
  /** The fleet sync process's niceness (default: fleetIndexRunner.ts's); the benchmark compares others. */
  fleetSyncPriority?: number;
}

export interface LocalService {
  url: string;
  /** Where the staff key came from: the environment or a file under the data directory. */
  staffKeySource: string;
  clients: Clients;
  emulators: Emulators;
  server: Server;
  stop(): Promise<void>;
}

/** The staff key: STAFF_API_KEY if set, else one kept in `<dataDir>/staff-api-key` (made on first start). */
async function ensureStaffKey(dataDir: string): Promise<string> {
  if (process.env.STAFF_API_KEY) return 'the STAFF_API_KEY environment variable';
  const file = join(dataDir, 'staff-api-key');
  let key: string;
  try {
    key = (await readFile(file, 'utf8')).trim();
  } catch {
    key = generateApiKey('staff');
    await writeFile(file, `${key}\n`, { mode: 0o600 });
  }
  process.env.STAFF_API_KEY = key;
  return `the file ${file}`;
}

export async function startLocalService(options: LocalServiceOptions): Promise<LocalService> {
  const emulators = await startEmulators({ dataDir: options.dataDir, s3InProcess: options.s3InProcess ?? false });
  Object.assign(process.env, emulatorEnvironment(emulators));
  process.env.TABLE_NAME ??= 'mpa-licensing';
  process.env.RAW_BUCKET ??= 'mpa-licensing-raw';
  process.env.INCOMING_BUCKET ??= 'mpa-licensing-incoming';
  resetClients();
  const c = clients();
  try {
    await provisionStorage(c);
  } catch (error) {
    await emulators.stop();
    throw error;
  }
  const staffKeySource = await ensureStaffKey(options.dataDir);
  // License files are signed with an Ed25519 key kept in the data directory (made on first issue, mode 0600).
  process.env.LICENSE_SIGNING_KEY_FILE = join(options.dataDir, LICENSE_SIGNING_KEY_FILE);
  resetLicenseSigner();
  startFleetIndexRunner(undefined, options.fleetSyncPriority);
  // Catch up on syncs that a previous run was stopped in the middle of.
  void resumeFleetIndexes().catch((error: unknown) => console.error(`fleet index catch-up failed: ${(error as Error).message}`));

  const processing = deliverIncomingEvents(emulators, c.config.incomingBucket);

  const server = createLocalServer({ ...(options.log ? { log: options.log } : {}), rateLimiter: options.rateLimiter });
  // The fleet syncs hold their storage requests while requests are served (fleetSyncProcess.ts).
  let inFlight = 0;
  server.on('request', (_req, res: ServerResponse) => {
    if (inFlight++ === 0) fleetSyncsYield(true);
    res.once('close', () => {
      if (--inFlight === 0) fleetSyncsYield(false);
    });
  });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${host}:${port}`;
  // The handlers flush this server's authorizer cache, as they flush the stage's on AWS.
  // (over loopback when the server listens on every address).
  const wildcard = options.host === '0.0.0.0' || options.host === '::';
  const controlPlane = localControlPlaneEnvironment(wildcard ? `http://127.0.0.1:${port}` : url);
  Object.assign(process.env, controlPlane);
  // Where the emulators listen, for local tools that check storage directly (npm run soak).
  const endpoints: LocalEndpoints = { url, config: c.config };
  await writeFile(join(options.dataDir, ENDPOINTS_FILE), `${JSON.stringify(endpoints, null, 2)}\n`);
  return {
    url,
    staffKeySource,
    clients: c,
    emulators,
    server,
    stop: async () => {
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
      // s3rver's events come over IPC after its answers: once it has exited, none is in transit,
      // and draining then processes every upload session completed before the stop.
      await emulators.stopS3();
      await processing.drain();
      await stopFleetIndexRunner();
      // The handlers of this process flush no cache of a server that is gone.
      if (process.env.APIGATEWAY_ENDPOINT === controlPlane.APIGATEWAY_ENDPOINT) {
        for (const name of Object.keys(controlPlane)) delete process.env[name];
      }
      resetClients();
      await emulators.stop();
    },
  };
}

const ENDPOINTS_FILE = 'endpoints.json';
/** The local license signing key, under the data directory. */
export const LICENSE_SIGNING_KEY_FILE = 'license-signing-key.pem';

/** Where a running `npm start` serves and keeps its data: written to `<dataDir>/endpoints.json` for local tools. */
export interface LocalEndpoints {
  url: string;
  config: StorageConfig;
}

/** The endpoints a running local service wrote into its data folder (npm run soak against SOAK_URL reads them). */
export async function readLocalEndpoints(dataDir: string): Promise<LocalEndpoints> {
  return JSON.parse(await readFile(join(dataDir, ENDPOINTS_FILE), 'utf8')) as LocalEndpoints;
}

/**
 * S3 events as on AWS: s3rver's ObjectCreated records for `incoming/` in the incoming bucket
 * go, wrapped as the SQS message S3 → SQS would deliver, to the same processor handler the
 * Lambda runs (it logs each outcome). There is no queue to retry a failure, and nothing here
 * ever stops the server.
 */
function deliverIncomingEvents(emulators: Emulators, incomingBucket: string): { drain(): Promise<void> } {
  const inflight = new Set<Promise<void>>();
  // s3rver runs in a child process (functions/local/s3Emulator.ts); its notifications come back over IPC.
  emulators.s3Events.on('event', (notification: S3rverEvent) => {
    const incoming = notification.Records.some(
      (r) => r.eventName.startsWith('ObjectCreated:') && r.s3.bucket.name === incomingBucket && r.s3.object.key.startsWith(INCOMING_PREFIX),
    );
    if (!incoming) return;
    const run = processIncoming(sqsEventOf(notification), lambdaContext('processIncoming', 900_000))
      .then(() => undefined)
      .catch((error: unknown) => console.error('processing an incoming object failed:', (error as Error)?.message ?? error))
      .finally(() => inflight.delete(run));
    inflight.add(run);
  });
  return { drain: async () => void (await Promise.allSettled([...inflight])) };
}
