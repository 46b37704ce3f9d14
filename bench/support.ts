/** Shared pieces of the benchmarks: emulators, timing, sample bodies. */
import { startS3Emulator } from '../functions/local/s3Emulator.js';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Emulators } from '../functions/local/emulators.js';
import { startScratchStorage } from '../functions/local/scratchStorage.js';
import { sampleUpload } from '../functions/samples/sampleUploads.js';
import { clients, createClients, destroyClients, resetClients, type Clients } from '../functions/store/clients.js';
import { s3Of } from '../functions/store/s3Client.js';
import { createInstall } from '../functions/store/installs.js';
import { commitAcceptedUpload } from '../functions/store/uploadLog.js';
import { inParallel } from '../functions/services/inParallel.js';
import type { QueryType } from '../functions/domain/queries/index.js';

export interface BenchEnvironment {
  clients: Clients;
  emulators: Emulators;
  /** Warms DynamoDB Local up for the figures that time its requests (once per environment). */
  warmUp(): Promise<void>;
  stop(): Promise<void>;
}

/** DynamoDB Local (in memory) and s3rver (temporary folder), provisioned, with the env set for the handlers. */
export async function startBenchEmulators(): Promise<BenchEnvironment> {
  const storage = await startScratchStorage('bench');
  resetClients();
  let warming: Promise<void> | undefined;
  return {
    clients: clients(),
    emulators: storage.emulators,
    warmUp: () => (warming ??= warmUp(clients())),
    stop: async () => {
      resetClients();
      await storage.stop();
    },
  };
}

/**
 * Clients whose S3 is an s3rver in a child process (functions/local/s3Emulator.ts, as `npm start`
 * runs it), with the same table and a raw bucket of its own: for measuring the upload path
 * without S3's work on its thread.
 */
export async function withRemoteS3(env: BenchEnvironment): Promise<{ clients: Clients; stop(): Promise<void> }> {
  const directory = await mkdtemp(join(tmpdir(), 'mpa-bench-remote-s3-'));
  const s3 = await startS3Emulator(directory);
  const c = createClients({ ...env.clients.config, s3Endpoint: s3.endpoint });
  await s3Of(c).send(new CreateBucketCommand({ Bucket: c.config.rawBucket }));
  return {
    clients: c,
    stop: async () => {
      destroyClients(c);
      await s3.stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * Thousands of the requests the benchmarks make, first: DynamoDB Local runs on the JVM, which
 * compiles each kind of request only after running it many times. The floor's shapes warm up
 * within a few hundred; the upload's commit (conditions, an update, index entries) takes
 * thousands, uncontended falling from ~11 to ~5 ms of JVM CPU each over the first 3,000 and
 * to ~4 over the next 12,000 (with the seven GSIs of then), so it is warmed up with 8,000 of the
 * service's own commits. (DynamoDB itself has no such warm-up; a deployed stack's Lambda meets a
 * warm service.)
 */
export async function warmUp(c: Clients, commits = WARM_UP_COMMITS, floorOperations = WARM_UP_FLOOR_OPERATIONS): Promise<void> {
  const TableName = c.config.tableName;
  await inParallel(range(floorOperations), WARM_UP_CONCURRENCY, async (n) => {
    const item = (i: number) => ({ Put: { TableName, Item: { PK: `WARM#${n}#${i}`, SK: 'WARM', n } } });
    await c.ddb.send(new TransactWriteCommand({ TransactItems: [item(0), item(1), item(2), item(3)] }));
    await c.ddb.send(new PutCommand({ TableName, Item: { PK: `WARM#${n}`, SK: 'PUT', n } }));
    await c.ddb.send(new GetCommand({ TableName, Key: { PK: `WARM#${n}`, SK: 'PUT' } }));
  });
  const installIds = await Promise.all(range(WARM_UP_CONCURRENCY).map((i) => benchInstall(c, `warm-up ${i}`)));
  const first = reserveCollectedAt(commits);
  await inParallel(range(commits), WARM_UP_CONCURRENCY, async (n) => {
    const collectedAt = new Date(first + n * 1000).toISOString();
    const receipt = { uploadId: `warm-up-${n}`, installId: installIds[n % installIds.length]!, queryType: 'event-counts' as const, collectedAt, recordCount: 10, sha256: '0'.repeat(64), duplicate: false };
    await commitAcceptedUpload(c, { receipt, customerId: 'bench', rawKey: `warm-up/${n}`, receivedAt: new Date().toISOString(), summary: { devices: 10, totalEvents: 100, maxEvents: 20 }, requiresUsageCollection: false });
  });
}

/** The floor's requests (a four-item transaction, a put, a get) and the service's commits of the warm-up (about 30 s), 16 at a time. */
const WARM_UP_FLOOR_OPERATIONS = 600;
const WARM_UP_COMMITS = 8000;
const WARM_UP_CONCURRENCY = 16;

/** 0, 1, …, n - 1. */
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

export async function benchInstall(c: Clients, name = 'bench'): Promise<string> {
  return (await createInstall(c, { customerId: 'bench', name }, new Date())).install.installId;
}

/**
 * collectedAt values a second apart, from six hours ago on, that never repeat within a run, so
 * every upload is a new snapshot, and that increase, as an install's snapshots do: each is the
 * install's latest (an older snapshot arriving late costs a second transaction,
 * functions/store/uploadLog.ts). `reserveCollectedAt(n)` answers the first (epoch ms) of `n`
 * such seconds, for the warm-up and the load client.
 */
let nextCollectedAt = Date.now() - 6 * 3_600_000;
export function reserveCollectedAt(count: number): number {
  const first = nextCollectedAt;
  nextCollectedAt += count * 1000;
  return first;
}

export function freshCollectedAt(): string {
  return new Date(reserveCollectedAt(1)).toISOString();
}

export function sampleBody(queryType: QueryType, devices: number): Buffer {
  return Buffer.from(JSON.stringify(sampleUpload(queryType, { devices, collectedAt: freshCollectedAt(), seed: `bench-${devices}` })));
}

const COLLECTED_AT_KEY = Buffer.from('"collectedAt":"');

/** The same body with a new collectedAt: a new snapshot, so no duplicate shortcut is taken. */
export function withFreshCollectedAt(json: Buffer): Buffer {
  const at = json.indexOf(COLLECTED_AT_KEY) + COLLECTED_AT_KEY.length;
  const end = json.indexOf('"', at);
  if (at < COLLECTED_AT_KEY.length || end < 0) throw new Error('the body has no "collectedAt"');
  // A copy with the value's bytes replaced: no 19 MB string decoded, edited and encoded again.
  return Buffer.concat([json.subarray(0, at), Buffer.from(freshCollectedAt()), json.subarray(end)]);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Median of `runs` runs (after one warm-up) of a function that measures itself in milliseconds. */
async function medianOf(runs: number, measure: () => Promise<number>): Promise<number> {
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

export interface PairedRatio {
  /** Median of the per-pair ratios measure / baseline. */
  ratio: number;
  /** Median of the baseline's times. */
  baselineMs: number;
  /** Median of the measurement's times. */
  measuredMs: number;
}

interface PairedRatioOptions {
  /** One baseline and then one measurement first, not counted. */
  warmUp?: boolean;
  /** The measurement goes first in the even pairs (the first among them), the baseline in the odd; without it the other way round. */
  measureFirst?: boolean;
  /** Called after each counted pair, both sides done. */
  afterPair?: () => void;
}

/**
 * `pairs` pairs of a baseline and a measurement (each measuring itself in milliseconds) back to
 * back, which goes first swapped every other pair, so that both of a pair meet the same load of
 * the machine and each side follows the other as often as itself: the median of the pairs'
 * ratios (the figure) and the median of each side.
 */
export async function pairedRatio(
  pairs: number,
  baseline: () => number | Promise<number>,
  measure: () => number | Promise<number>,
  { warmUp = false, measureFirst = false, afterPair }: PairedRatioOptions = {},
): Promise<PairedRatio> {
  if (warmUp) {
    await baseline();
    await measure();
  }
  const ratios: number[] = [];
  const baselines: number[] = [];
  const measured: number[] = [];
  for (let i = 0; i < pairs; i++) {
    let b: number;
    let m: number;
    if ((i % 2 === 0) === measureFirst) {
      m = await measure();
      b = await baseline();
    } else {
      b = await baseline();
      m = await measure();
    }
    ratios.push(m / b);
    baselines.push(b);
    measured.push(m);
    afterPair?.();
  }
  return { ratio: median(ratios), baselineMs: median(baselines), measuredMs: median(measured) };
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); undefined elsewhere. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // stat(5): utime and stime are the 14th and 15th fields, in clock ticks (1/100 s), after the command in parentheses.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
