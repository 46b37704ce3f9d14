/**
 * `npm run soak`: N installs × M uploads, then the reconciliation of receipts with storage
 * (scripts/soak/run.ts). Ends with the line `accepted N, duplicates N, lost N, double-counted N`
 * and exits 1 when anything was lost or double-counted, 2 when the time limit cut it short.
 *
 * Environment:
 *   SOAK_URL          a running `npm start` (e.g. http://127.0.0.1:3000); its storage is found
 *                     in $DATA_DIR/endpoints.json, its staff key in STAFF_API_KEY or
 *                     $DATA_DIR/staff-api-key. Unset: the soak starts its own local service
 *                     (emulators in a temporary folder) and stops it afterwards.
 *   DATA_DIR          default .data
 *   SOAK_INSTALLS     default 100
 *   SOAK_UPLOADS      uploads per install, default 50
 *   SOAK_CONCURRENCY  installs uploading at once, default 16
 *   SOAK_MINUTES      stop sending after this long, default 10
 *   SOAK_SEED         default "soak"
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defined } from '../functions/domain/defined.js';
import { type LocalService, readLocalEndpoints, startLocalService } from '../functions/local/localService.js';
import { rateLimiterFromEnv } from '../functions/local/rateLimit.js';
import { type Clients, createClients, destroyClients } from '../functions/store/clients.js';
import { resultLine, runSoak } from './soak/run.js';

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}=${raw}: expected a positive integer`);
  return value;
}

const installs = positiveInt('SOAK_INSTALLS', 100);
const uploadsPerInstall = positiveInt('SOAK_UPLOADS', 50);
const concurrency = positiveInt('SOAK_CONCURRENCY', 16);
const minutes = positiveInt('SOAK_MINUTES', 10);
const dataDir = resolve(process.env.DATA_DIR ?? '.data');

interface Target {
  url: string;
  staffKey: string;
  clients: Clients;
  stop(): Promise<void>;
}

/** The running `npm start` named by SOAK_URL, with its storage from the endpoints file it wrote. */
async function runningService(url: string): Promise<Target> {
  const { config } = await readLocalEndpoints(dataDir);
  const staffKey = process.env.STAFF_API_KEY ?? (await readFile(join(dataDir, 'staff-api-key'), 'utf8')).trim();
  const clients = createClients(config);
  return {
    url,
    staffKey,
    clients,
    stop: async () => {
      destroyClients(clients);
    },
  };
}

/** A local service of the soak's own, on a free port, with its data in a temporary folder. */
async function ownService(): Promise<Target> {
  const folder = await mkdtemp(join(tmpdir(), 'mpa-soak-'));
  const service: LocalService = await startLocalService({ host: '127.0.0.1', port: 0, dataDir: folder, rateLimiter: rateLimiterFromEnv() });
  return {
    url: service.url,
    // Set by startLocalService (from the environment, or the key it keeps under dataDir).
    staffKey: defined(process.env.STAFF_API_KEY, 'STAFF_API_KEY'),
    clients: service.clients,
    stop: async () => {
      await service.stop();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

const started = Date.now();
const target = process.env.SOAK_URL ? await runningService(process.env.SOAK_URL) : await ownService();
console.log(
  `soak: ${installs} installs × ${uploadsPerInstall} uploads, ${concurrency} at a time, at most ${minutes} min, against ${target.url}${process.env.SOAK_URL ? '' : ' (its own local service)'}`,
);
let exitCode = 0;
try {
  const result = await runSoak({
    url: target.url,
    staffKey: target.staffKey,
    clients: target.clients,
    installs,
    uploadsPerInstall,
    concurrency,
    deadline: started + minutes * 60_000,
    checkEachReceipt: true,
    seed: process.env.SOAK_SEED ?? 'soak',
    log: (line) => console.log(line),
  });
  for (const line of result.details.slice(0, 30)) console.log(`  ${line}`);
  if (result.details.length > 30) console.log(`  … and ${result.details.length - 30} more`);
  if (result.timedOut) console.log(`soak: stopped after ${minutes} min (SOAK_MINUTES) with ${result.uploadsSent} of ${result.uploadsPlanned} uploads sent; what was sent is reconciled`);
  console.log(
    `soak: ${result.uploadsSent} uploads in ${((Date.now() - started) / 1000).toFixed(1)} s; conflicts ${result.conflicts}, retries ${result.retries} ${JSON.stringify(result.retryReasons)}, unexpected answers ${result.unexpected}, orphan raw objects ${result.orphans}`,
  );
  console.log(resultLine(result));
  exitCode = result.lost > 0 || result.doubleCounted > 0 || result.unexpected > 0 ? 1 : result.timedOut ? 2 : 0;
} finally {
  await target.stop();
}
process.exit(exitCode);
