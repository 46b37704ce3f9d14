/**
 * Figure 4: small uploads per second through the local HTTP server at 16 concurrent clients
 * (a separate process), divided by the rate the same emulators sustain the storage work one
 * upload cannot avoid: one S3 PutObject and one DynamoDB write. The PutObject is the one an
 * upload makes, the service's own `putRawObject` of the object `rawObject` names: create-only
 * (`If-None-Match: *`, which keeps the archive immutable), under the snapshot's Hive-style key,
 * with its metadata. A
 * bare PutObject, which writes less than an upload must, is measured alongside for reference.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { createHash, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createLocalServer } from '../functions/local/localApi.js';
import { sampleUpload } from '../functions/samples/sampleUploads.js';
import { createInstall } from '../functions/store/installs.js';
import { median, pairedRatio, processCpuMs, range, reserveCollectedAt, round, type BenchEnvironment } from './support.js';
import { inParallel } from '../functions/services/inParallel.js';
import { s3Of } from '../functions/store/s3Client.js';
import { putRawObject, rawObject } from '../functions/store/rawArchive.js';

const CONCURRENCY = 16;
/** Floor and uploads take turns: this many rounds of so many operations each. */
const ROUNDS = 5;
const PER_ROUND = 400;
/** The floor's operations for the four-item transaction, once. */
const TRANSACTION_FLOOR_OPERATIONS = 1500;
/** The bare-PutObject floor's operations per round (for reference). */
const BARE_FLOOR_OPERATIONS = PER_ROUND;
const SAME_INSTALL_UPLOADS = 500;
/** Uploads through the server before measuring (DynamoDB Local's part is warmed up already: bench/support.ts). */
const WARM_UP_UPLOADS = 1000;
/** Operations of each floor before measuring. */
const WARM_UP_FLOOR_OPERATIONS = 600;
const run = promisify(execFile);

export interface StorageBoundFigures {
  storageBoundRatio: number;
  uploadsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  storageFloorPerSecond: number;
  /** The floor with a bare PutObject (no condition, a flat key, no metadata) in place of the upload's, and the ratio to it: for reference. */
  bareFloor: { perSecond: number; ratio: number };
  /** The same floor with a four-item transaction in place of the PutItem (for reference). */
  transactionFloorPerSecond: number;
  ratioToTransactionFloor: number;
  statuses: Record<string, number>;
  /** All sixteen clients uploading for one install. */
  oneInstall: { ratio: number; uploadsPerSecond: number; p50Ms: number; p99Ms: number; statuses: Record<string, number> };
  /** Each round's floor and upload rates (per second), in order. */
  rounds: { floorPerSecond: number; bareFloorPerSecond: number; uploadsPerSecond: number }[];
  /** CPU time per operation of each run, by process: where the two cores go. */
  cpuMsPerOperation: { floor: PhaseCpu; uploads: PhaseCpu; transactionFloor: PhaseCpu };
}

/** CPU ms per operation: this process (the server, the floor's workers), s3rver's (since 2026-12-07 a process of its own), DynamoDB Local's JVM, the load client. */
interface PhaseCpu {
  benchProcess: number;
  s3rver?: number;
  dynamoDbLocal?: number;
  loadClient?: number;
}

/** A phase's result and the CPU time per operation each process spent on it. */
interface Measured<T> {
  result: T;
  cpu: PhaseCpu;
}

/** Runs one phase of `operations` operations, and measures the CPU time each process spent on it (the load client's as it reports it). */
async function withCpu<T>(env: BenchEnvironment, operations: number, phase: () => Promise<T>, clientCpuMs?: (result: T) => number): Promise<Measured<T>> {
  const pid = env.emulators.dynamoDbPid;
  const own = process.cpuUsage();
  const jvm = processCpuMs(pid);
  const s3Pid = env.emulators.s3Pid();
  const s3 = s3Pid === process.pid ? undefined : processCpuMs(s3Pid);
  const result = await phase();
  const spent = process.cpuUsage(own);
  const jvmAfter = processCpuMs(pid);
  const s3After = s3 === undefined ? undefined : processCpuMs(s3Pid);
  const perOperation = (ms: number) => round(ms / operations);
  return {
    result,
    cpu: {
      benchProcess: perOperation((spent.user + spent.system) / 1000),
      ...(s3 !== undefined && s3After !== undefined ? { s3rver: perOperation(s3After - s3) } : {}),
      ...(jvm !== undefined && jvmAfter !== undefined ? { dynamoDbLocal: perOperation(jvmAfter - jvm) } : {}),
      ...(clientCpuMs ? { loadClient: perOperation(clientCpuMs(result)) } : {}),
    },
  };
}

/** What the floor puts into S3 each time: a small upload's archive. */
const FLOOR_BODY = gzipSync(JSON.stringify(sampleUpload('event-counts', { devices: 10 })));
const FLOOR_BODY_SHA256 = createHash('sha256').update(FLOOR_BODY).digest('hex');

interface FloorShape {
  /** `archive`: the upload's own PutObject (putRawObject); `bare`: a PutObject of the same bytes with no condition, a flat key and no metadata. */
  s3: 'archive' | 'bare';
  /** A TransactWriteItems of so many puts in place of the PutItem. */
  transactionItems?: number;
}

/**
 * The floor: 16 workers each doing one PutObject and one DynamoDB write per upload, as 16
 * installs (each worker's archives are one install's snapshots, a second apart). With
 * `transactionItems`, that write is a TransactWriteItems of so many puts instead of a PutItem:
 * the shape of the one write the upload log needs (snapshot, upload entry, install, latest
 * summary), for reference, since DynamoDB Local's transactions cost several plain puts.
 */
async function storageFloor(env: BenchEnvironment, total: number, { s3, transactionItems = 0 }: FloorShape): Promise<number> {
  const c = env.clients;
  const runId = Math.random().toString(36).slice(2);
  const firstCollectedAt = reserveCollectedAt(total);
  const started = performance.now();
  await inParallel(range(total), CONCURRENCY, async (n) => {
    if (s3 === 'archive') {
      const installId = FLOOR_INSTALLS[n % CONCURRENCY]!;
      const collectedAt = new Date(firstCollectedAt + n * 1000).toISOString();
      const upload = { installId, queryType: 'event-counts' as const, uploadId: randomUUID() };
      await putRawObject(c, rawObject(upload, collectedAt, { gzip: FLOOR_BODY, sha256: FLOOR_BODY_SHA256 }));
    } else {
      await s3Of(c).send(new PutObjectCommand({ Bucket: c.config.rawBucket, Key: `floor/${runId}/${n}.json.gz`, Body: FLOOR_BODY, ContentEncoding: 'gzip' }));
    }
    const item = (i: number) => ({ PK: `FLOOR#${runId}#${n}#${i}`, SK: 'FLOOR', n });
    if (transactionItems === 0) await c.ddb.send(new PutCommand({ TableName: c.config.tableName, Item: item(0) }));
    else await c.ddb.send(new TransactWriteCommand({ TransactItems: range(transactionItems).map((i) => ({ Put: { TableName: c.config.tableName, Item: item(i) } })) }));
  });
  return total / ((performance.now() - started) / 1000);
}

/** The floor's installs (ids only: the floor writes no install items). */
const FLOOR_INSTALLS = range(CONCURRENCY).map(() => randomUUID());

interface Load {
  perSecond: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
  /** The load client's own CPU time. */
  cpuMs: number;
}

/** Each run's uploads are collected a second apart, after every earlier run's: no install's snapshot is ever older than its latest. */
async function runLoad(port: number, keys: string[], uploads: number): Promise<Load> {
  const client = new URL('./loadClient.ts', import.meta.url).pathname;
  const args = [client, `http://127.0.0.1:${port}`, keys.join(','), String(uploads), String(CONCURRENCY), String(reserveCollectedAt(uploads))];
  const { stdout } = await run(process.execPath, ['--import', 'tsx', ...args], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as Load;
}

/** The median of each CPU figure over the rounds. */
function medianCpu(rounds: PhaseCpu[]): PhaseCpu {
  const of = (key: keyof PhaseCpu) => {
    const values = rounds.map((r) => r[key]).filter((v): v is number => v !== undefined);
    return values.length === rounds.length ? { [key]: round(median(values)) } : {};
  };
  return { benchProcess: round(median(rounds.map((r) => r.benchProcess))), ...of('s3rver'), ...of('dynamoDbLocal'), ...of('loadClient') };
}

export async function measureStorageBound(env: BenchEnvironment): Promise<StorageBoundFigures> {
  // As deployed: API Gateway caches the authorizer's answer per key (lib/config.ts, 60 s).
  process.env.AUTHORIZER_CACHE_SECONDS = '60';
  const server = createLocalServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  try {
    // Sixteen clients are sixteen installs, each with its own key; and, for comparison, all
    // sixteen on one install, whose uploads contend for its install and latest-summary items.
    const installs = await Promise.all(range(CONCURRENCY).map((i) => createInstall(env.clients, { customerId: 'bench', name: `storage bound ${i}` }, new Date())));
    const keys = installs.map((i) => i.apiKey);
    // Warm-ups: DynamoDB Local's (bench/support.ts), and both sides' paths through this process.
    await env.warmUp();
    await storageFloor(env, WARM_UP_FLOOR_OPERATIONS, { s3: 'archive' });
    await storageFloor(env, WARM_UP_FLOOR_OPERATIONS, { s3: 'bare' });
    await runLoad(port, keys, WARM_UP_UPLOADS);
    // The floor and the uploads in turns, which goes first alternating (pairedRatio, the floor
    // first in the first round), so that the machine's drift weighs on both (a floor alone swung
    // 180–390/s from run to run). Each side gives its milliseconds per operation, so a round's
    // ratio is the uploads' rate ÷ the floor's: the figure is the median of the rounds'.
    const loads: Measured<Load>[] = [];
    const floors: Measured<number>[] = [];
    const bareFloors: number[] = [];
    const paired = await pairedRatio(
      ROUNDS,
      async () => {
        const load = await withCpu(env, PER_ROUND, () => runLoad(port, keys, PER_ROUND), (l) => l.cpuMs);
        loads.push(load);
        return 1000 / load.result.perSecond;
      },
      async () => {
        // For reference, next to it: the floor with a bare PutObject, before it in every second round
        // (whichever runs second meets the first one's file writes still being flushed).
        const bareFirst = floors.length % 2 === 1;
        if (bareFirst) bareFloors.push(await storageFloor(env, BARE_FLOOR_OPERATIONS, { s3: 'bare' }));
        const floor = await withCpu(env, PER_ROUND, () => storageFloor(env, PER_ROUND, { s3: 'archive' }));
        floors.push(floor);
        if (!bareFirst) bareFloors.push(await storageFloor(env, BARE_FLOOR_OPERATIONS, { s3: 'bare' }));
        return 1000 / floor.result;
      },
      { measureFirst: true },
    );
    const oneInstall = await runLoad(port, [keys[0]!], SAME_INSTALL_UPLOADS);
    const transactionFloor = await withCpu(env, TRANSACTION_FLOOR_OPERATIONS, () => storageFloor(env, TRANSACTION_FLOOR_OPERATIONS, { s3: 'archive', transactionItems: 4 }));
    const floor = median(floors.map((f) => f.result));
    const uploadsPerSecond = median(loads.map((l) => l.result.perSecond));
    const statuses: Record<string, number> = {};
    for (const { result } of loads) for (const [status, n] of Object.entries(result.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
    return {
      storageBoundRatio: round(paired.ratio),
      uploadsPerSecond: round(uploadsPerSecond, 1),
      p50Ms: round(median(loads.map((l) => l.result.p50)), 1),
      p99Ms: round(median(loads.map((l) => l.result.p99)), 1),
      storageFloorPerSecond: round(floor, 1),
      bareFloor: { perSecond: round(median(bareFloors), 1), ratio: round(median(loads.map((l, i) => l.result.perSecond / bareFloors[i]!))) },
      transactionFloorPerSecond: round(transactionFloor.result, 1),
      ratioToTransactionFloor: round(uploadsPerSecond / transactionFloor.result),
      statuses,
      oneInstall: { ratio: round(oneInstall.perSecond / floor), uploadsPerSecond: round(oneInstall.perSecond, 1), p50Ms: round(oneInstall.p50, 1), p99Ms: round(oneInstall.p99, 1), statuses: oneInstall.statuses },
      // No warm-up pair: the i-th floor and the i-th load make round i.
      rounds: loads.map((l, i) => ({ floorPerSecond: round(floors[i]!.result, 1), bareFloorPerSecond: round(bareFloors[i]!, 1), uploadsPerSecond: round(l.result.perSecond, 1) })),
      cpuMsPerOperation: { floor: medianCpu(floors.map((f) => f.cpu)), uploads: medianCpu(loads.map((l) => l.cpu)), transactionFloor: transactionFloor.cpu },
    };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}
