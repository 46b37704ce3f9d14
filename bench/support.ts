/** Shared pieces of the benchmarks: emulators, timing, sample bodies. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulators, type Emulators } from '../functions/local/emulators.js';
import { provisionStorage } from '../functions/local/provision.js';
import { sampleUpload } from '../functions/samples/sampleUploads.js';
import { clients, resetClients, type Clients } from '../functions/store/clients.js';
import { createInstall } from '../functions/store/installs.js';
import type { QueryType } from '../functions/domain/queries/index.js';

export interface BenchEnvironment {
  clients: Clients;
  emulators: Emulators;
  stop(): Promise<void>;
}

/** DynamoDB Local (in memory) and s3rver (temporary folder), provisioned, with the env set for the handlers. */
export async function startBenchEmulators(): Promise<BenchEnvironment> {
  const s3Dir = await mkdtemp(join(tmpdir(), 'mpa-bench-s3-'));
  const emulators = await startEmulators({ s3Dir });
  Object.assign(process.env, {
    DYNAMODB_ENDPOINT: emulators.dynamoDbEndpoint,
    S3_ENDPOINT: emulators.s3Endpoint,
    TABLE_NAME: 'mpa-licensing-bench',
    RAW_BUCKET: 'mpa-licensing-raw-bench',
    INCOMING_BUCKET: 'mpa-licensing-incoming-bench',
    STAFF_API_KEY: 'bench-staff-key-not-secret',
  });
  resetClients();
  const c = clients();
  await provisionStorage(c);
  return {
    clients: c,
    emulators,
    stop: async () => {
      resetClients();
      await emulators.stop();
      await rm(s3Dir, { recursive: true, force: true });
    },
  };
}

export async function benchInstall(c: Clients, name = 'bench'): Promise<string> {
  return (await createInstall(c, { customerId: 'bench', name }, new Date())).install.installId;
}

/** collectedAt values that never repeat within a run, so every upload is a new snapshot. */
let tick = 0;
export function freshCollectedAt(): string {
  tick += 1;
  return new Date(Date.now() - 60_000 - tick * 1000).toISOString();
}

export function sampleBody(queryType: QueryType, devices: number): Buffer {
  return Buffer.from(JSON.stringify(sampleUpload(queryType, { devices, collectedAt: freshCollectedAt(), seed: `bench-${devices}` })));
}

/** The same body with a new collectedAt: a new snapshot, so no duplicate shortcut is taken. */
export function withFreshCollectedAt(json: Buffer): Buffer {
  return Buffer.from(json.toString('utf8').replace(/"collectedAt":"[^"]+"/, `"collectedAt":"${freshCollectedAt()}"`));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Median of `runs` runs (after one warm-up) of a function that measures itself in milliseconds. */
export async function medianOf(runs: number, measure: () => Promise<number>): Promise<number> {
  await measure();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await measure());
  return median(times);
}

/** Median milliseconds of `runs` runs of a function (after one warm-up). */
export function timeMedian(runs: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  return medianOf(runs, async () => {
    const start = performance.now();
    await fn();
    return performance.now() - start;
  });
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
