/**
 * Figure 4: small uploads per second through the local HTTP server at 16 concurrent clients
 * (a separate process), divided by the rate the same emulators sustain the storage work one
 * upload cannot avoid: one S3 PutObject and one DynamoDB write.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createLocalServer } from '../functions/local/localApi.js';
import { sampleUpload } from '../functions/samples/sampleUploads.js';
import { createInstall } from '../functions/store/installs.js';
import { processCpuMs, round, type BenchEnvironment } from './support.js';
import { s3Of } from '../functions/store/s3Client.js';

const CONCURRENCY = 16;
const UPLOADS = 1500;
const SAME_INSTALL_UPLOADS = 500;
const WARM_UP_UPLOADS = 1000;
const run = promisify(execFile);

export interface StorageBoundFigures {
  storageBoundRatio: number;
  uploadsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  storageFloorPerSecond: number;
  /** The same floor with a four-item transaction in place of the PutItem (for reference). */
  transactionFloorPerSecond: number;
  ratioToTransactionFloor: number;
  statuses: Record<string, number>;
  /** All sixteen clients uploading for one install. */
  oneInstall: { ratio: number; uploadsPerSecond: number; p50Ms: number; p99Ms: number; statuses: Record<string, number> };
  /** CPU time per operation of each run, by process: where the two cores go. */
  cpuMsPerOperation: { floor: PhaseCpu; uploads: PhaseCpu; transactionFloor: PhaseCpu };
}

/** CPU ms per operation: this process (the server, s3rver, the floor's workers), DynamoDB Local's JVM, the load client. */
interface PhaseCpu {
  benchProcess: number;
  dynamoDbLocal?: number;
  loadClient?: number;
}

/** Runs one phase of `operations` operations, and measures the CPU time each process spent on it (the load client's as it reports it). */
async function withCpu<T>(env: BenchEnvironment, operations: number, phase: () => Promise<T>, clientCpuMs?: (result: T) => number): Promise<[T, PhaseCpu]> {
  const pid = env.emulators.dynamoDbPid;
  const own = process.cpuUsage();
  const jvm = processCpuMs(pid);
  const result = await phase();
  const spent = process.cpuUsage(own);
  const jvmAfter = processCpuMs(pid);
  const perOperation = (ms: number) => round(ms / operations);
  return [
    result,
    {
      benchProcess: perOperation((spent.user + spent.system) / 1000),
      ...(jvm !== undefined && jvmAfter !== undefined ? { dynamoDbLocal: perOperation(jvmAfter - jvm) } : {}),
      ...(clientCpuMs ? { loadClient: perOperation(clientCpuMs(result)) } : {}),
    },
  ];
}

/**
 * The floor: 16 workers each doing one PutObject and one DynamoDB write per upload. With
 * `transactionItems`, that write is a TransactWriteItems of so many puts instead of a PutItem:
 * the shape of the one write the upload log needs (snapshot, upload entry, install, latest
 * summary), for reference, since DynamoDB Local's transactions cost several plain puts.
 */
async function storageFloor(env: BenchEnvironment, total: number, transactionItems = 0): Promise<number> {
  const c = env.clients;
  const body = gzipSync(JSON.stringify(sampleUpload('event-counts', { devices: 10 })));
  const runId = Math.random().toString(36).slice(2);
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const n = next++;
      await s3Of(c).send(new PutObjectCommand({ Bucket: c.config.rawBucket, Key: `floor/${runId}/${n}.json.gz`, Body: body, ContentEncoding: 'gzip' }));
      const item = (i: number) => ({ PK: `FLOOR#${runId}#${n}#${i}`, SK: 'FLOOR', n });
      if (transactionItems === 0) await c.ddb.send(new PutCommand({ TableName: c.config.tableName, Item: item(0) }));
      else await c.ddb.send(new TransactWriteCommand({ TransactItems: Array.from({ length: transactionItems }, (_, i) => ({ Put: { TableName: c.config.tableName, Item: item(i) } })) }));
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return total / ((performance.now() - started) / 1000);
}

interface Load {
  perSecond: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
  /** The load client's own CPU time. */
  cpuMs: number;
}

async function runLoad(port: number, keys: string[], uploads: number): Promise<Load> {
  const client = new URL('./loadClient.ts', import.meta.url).pathname;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', client, `http://127.0.0.1:${port}`, keys.join(','), String(uploads), String(CONCURRENCY)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as Load;
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
    const installs = await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => createInstall(env.clients, { customerId: 'bench', name: `storage bound ${i}` }, new Date())));
    const keys = installs.map((i) => i.apiKey);
    // Warm-ups of both sides: DynamoDB Local's JVM compiles each kind of request only once it
    // has run it many times, and the upload's transaction (conditions, updates, index entries)
    // is a kind of its own (uncontended, its JVM CPU per commit fell from ~11 to ~5 ms over the
    // first few thousand, measured).
    await storageFloor(env, 200);
    await runLoad(port, keys, WARM_UP_UPLOADS);
    const [floor, floorCpu] = await withCpu(env, UPLOADS, () => storageFloor(env, UPLOADS));
    const [load, uploadsCpu] = await withCpu(env, UPLOADS, () => runLoad(port, keys, UPLOADS), (l) => l.cpuMs);
    const oneInstall = await runLoad(port, [keys[0]!], SAME_INSTALL_UPLOADS);
    const [transactionFloor, transactionFloorCpu] = await withCpu(env, UPLOADS, () => storageFloor(env, UPLOADS, 4));
    return {
      storageBoundRatio: round(load.perSecond / floor),
      uploadsPerSecond: round(load.perSecond, 1),
      p50Ms: round(load.p50, 1),
      p99Ms: round(load.p99, 1),
      storageFloorPerSecond: round(floor, 1),
      transactionFloorPerSecond: round(transactionFloor, 1),
      ratioToTransactionFloor: round(load.perSecond / transactionFloor),
      statuses: load.statuses,
      oneInstall: { ratio: round(oneInstall.perSecond / floor), uploadsPerSecond: round(oneInstall.perSecond, 1), p50Ms: round(oneInstall.p50, 1), p99Ms: round(oneInstall.p99, 1), statuses: oneInstall.statuses },
      cpuMsPerOperation: { floor: floorCpu, uploads: uploadsCpu, transactionFloor: transactionFloorCpu },
    };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}
