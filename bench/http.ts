/**
 * HTTP figures: uploads as a client sends them, to the local server as `npm start` runs it — a
 * process of its own started with npm start's node flags (package.json), serving through
 * startLocalService (createLocalServer on a real socket, its own DynamoDB Local on disk, s3rver in
 * a child process, the fleet sync process, rate limits and the authorizer cache), gzip bodies
 * (bench/httpServer.ts). httpRatio: a first 100,000-device snapshot, then right after it five
 * daily re-sends with 1 % of the devices changed, the re-sends' median time over a bare
 * JSON.parse of the body. httpOnboardingRatio: three new installs' first snapshots back to
 * back. backgroundSlowdown: a re-send while another install's first-snapshot sync is under way,
 * over the same with every sync idle. `compareServers` (bench/httpCompare.ts) times the same
 * uploads on several server configurations, alternating, to choose between them.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { emulatorEnvironment } from '../functions/local/emulators.js';
import { token } from '../functions/samples/sampleUploads.js';
import { type Clients, createClients, destroyClients } from '../functions/store/clients.js';
import type { StorageConfig } from '../functions/store/config.js';
import { createInstall } from '../functions/store/installs.js';
import { freshCollectedAt, median, processCpuMs, round, warmUp, type BenchEnvironment } from './support.js';

const DEVICES = 100_000;
const RESENDS = 5;
const ONBOARDING = 3;
const BACKGROUND_PAIRS = 3;
/** The service's commits and the floor's requests that warm the server's DynamoDB Local up (support.ts). */
const HTTP_WARM_UP_COMMITS = 300;
const HTTP_WARM_UP_FLOOR_OPERATIONS = 100;
const DEVICE_TYPES = ['MiVoice 6920', 'MiVoice 6930', 'MiVoice 6940', 'MiVoice Business', 'MiCollab', 'MiVoice Border Gateway', 'SIP trunk', 'IP Console'];

export interface HttpFigures {
  httpRatio: number;
  httpOnboardingRatio: number;
  backgroundSlowdown: number;
  firstUploadRatio: number;
  resendMs: number[];
  onboardingMs: number[];
  parseMs: number;
  bodyMB: number;
  gzipMB: number;
  background: { busyMs: number[]; idleMs: number[] };
  /** The server's node flags (npm start's), and its process's CPU and GC time over the figure's uploads. */
  server: { nodeFlags: string[]; cpuMs: number; gcMs: number; dynamoDbCpuMs: number | undefined };
  /** The benchmark's own process (the client: bodies, parses, posts): its CPU and GC time over the figure's uploads. */
  client: { cpuMs: number; gcMs: number };
  /** Load average (1 min) before and after. */
  loadAverage: [number, number];
}

export type Device = Record<string, string | null>;

/**
 * Devices as a real export lists them: device types repeating, 25 devices a container and 500 a
 * probe in order, identifiers sequential within the install (`site` keeps installs apart).
 */
export function fleetOf(site: number, devices: number): Device[] {
  return Array.from({ length: devices }, (_, i) => ({
    deviceId: `dev-${String(i).padStart(7, '0')}`,
    deviceType: DEVICE_TYPES[Math.floor(i / 40) % DEVICE_TYPES.length]!,
    containerId: token('bench-http', site, 'container', Math.floor(i / 25)),
    probeId: i % 7 === 0 ? null : token('bench-http', site, 'probe', Math.floor(i / 500)),
    arid: i % 3 === 0 ? null : String(site * 10_000_000 + 1_000_000 + i),
    hardwareId: `HW-${String(site).padStart(3, '0')}-${String(i).padStart(8, '0')}`,
    serialNumber: i % 2 === 0 ? `SN${String(site).padStart(3, '0')}${String(i).padStart(9, '0')}` : null,
  }));
}

/** The next day's export: 1 % of the devices replaced by new hardware (new identifiers). */
export function dailyChange(devices: Device[], day: number): Device[] {
  return devices.map((device, i) =>
    i % 100 === day % 100 ? { ...device, hardwareId: `${device.hardwareId}-r${day}`, serialNumber: device.serialNumber ? `${device.serialNumber}R${day}` : null } : device,
  );
}

export interface Body {
  text: string;
  gzip: Buffer;
}

export function bodyOf(devices: Device[]): Body {
  const text = JSON.stringify({ schemaVersion: 1, collectedAt: freshCollectedAt(), mpaVersion: '3.4.1.12', records: devices });
  return { text, gzip: gzipSync(text) };
}

export function timeParse(text: string): number {
  const start = performance.now();
  JSON.parse(text);
  return performance.now() - start;
}

/**
 * The node flags `npm start` runs the server with: those between `node` and `bin/server.ts` in
 * package.json's start script, so the benchmark measures the configuration users run.
 */
export function npmStartNodeFlags(): string[] {
  const scripts = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const words = scripts.start!.split(/\s+/);
  const node = words.indexOf('node');
  const script = words.indexOf('bin/server.ts');
  if (node < 0 || script < node) throw new Error(`the start script is not "node <flags> bin/server.ts": ${scripts.start}`);
  return words.slice(node + 1, script);
}

/** A server configuration: npm start's, or one to compare it with. */
export interface ServerVariant {
  name: string;
  nodeFlags: string[];
  /** Arguments of bench/httpServer.ts after the data folder (--s3-in-process). */
  args?: string[];
}

export interface BenchServer {
  variant: ServerVariant;
  clients: Clients;
  dynamoDbPid: number | undefined;
  /** One upload over the server's kept-alive connection; its time from the first byte sent to the answer's last. */
  post(apiKey: string, body: Body): Promise<number>;
  newInstall(name: string): Promise<string>;
  /** Resolves once every fleet sync asked for so far has finished. */
  idle(): Promise<void>;
  stats(): Promise<{ cpuMs: number; gcMs: number }>;
  stop(): Promise<void>;
}

/** Starts bench/httpServer.ts with the variant's node flags, a data folder of its own, and warms its DynamoDB Local up. */
export async function startBenchServer(variant: ServerVariant): Promise<BenchServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mpa-bench-http-'));
  // As a user's shell runs npm start: no emulator endpoints, table names or keys of this process.
  const env: NodeJS.ProcessEnv = { ...process.env, QUIET: '1' };
  for (const name of ['STAFF_API_KEY', 'DYNAMODB_ENDPOINT', 'S3_ENDPOINT', 'TABLE_NAME', 'RAW_BUCKET', 'INCOMING_BUCKET', 'NODE_OPTIONS', 'LICENSE_SIGNING_KEY_FILE', 'SCRATCH_S3_DIR']) delete env[name];
  const child: ChildProcess = fork(fileURLToPath(new URL('./httpServer.ts', import.meta.url)), [dataDir, ...(variant.args ?? [])], {
    execArgv: variant.nodeFlags,
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // once() rejects on 'error' only: a child that exits before serving rejects here too.
  const exitedEarly = once(child, 'exit').then(([code]) => Promise.reject(new Error(`the benchmark's server exited (${code}) before serving`)));
  const [ready] = (await Promise.race([once(child, 'message'), exitedEarly])) as [{ url: string; config: StorageConfig; dynamoDbPid: number | undefined }];
  exitedEarly.catch(() => undefined);
  const { port } = new URL(ready.url);
  // The emulators' fixed credentials, as the server has them (its clients read them from its environment).
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY } = emulatorEnvironment({ dynamoDbEndpoint: '', s3Endpoint: '' });
  Object.assign(process.env, { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY });
  const clients = createClients(ready.config);
  // Far fewer requests than the in-memory figures' warm-up: on disk, as npm start keeps it,
  // DynamoDB Local takes ~20 ms a write (~5 in memory; its JIT's gains are small beside that),
  // 1,500 commits took minutes on the loaded machine, and an HTTP figure commits a few dozen uploads.
  await warmUp(clients, HTTP_WARM_UP_COMMITS, HTTP_WARM_UP_FLOOR_OPERATIONS);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let asked = 0;
  const ask = <T>(key: 'idle' | 'stats'): Promise<T> => {
    const n = ++asked;
    return new Promise((resolve) => {
      const onMessage = (message: Record<string, unknown>) => {
        if (message[key] !== n) return;
        child.off('message', onMessage);
        resolve(message as T);
      };
      child.on('message', onMessage);
      child.send({ [key]: n });
    });
  };
  return {
    variant,
    clients,
    dynamoDbPid: ready.dynamoDbPid,
    post: async (apiKey, body) => {
      const start = performance.now();
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, method: 'POST', path: '/v1/uploads/devices', agent, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.gzip.length } },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end(body.gzip);
      });
      const ms = performance.now() - start;
      if (status !== 201) throw new Error(`a benchmark upload answered ${status}`);
      return ms;
    },
    newInstall: async (name) => (await createInstall(clients, { customerId: 'bench-http', name }, new Date())).apiKey,
    idle: () => ask('idle'),
    stats: () => ask('stats'),
    stop: async () => {
      agent.destroy();
      destroyClients(clients);
      const exited = once(child, 'exit');
      child.send({ stop: true });
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const loadAverage = () => round(Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]), 2);

/** The HTTP figures, on a server started as `npm start` starts it (the bench's own emulators are not used). */
export async function measureHttp(_env?: BenchEnvironment): Promise<HttpFigures> {
  const load = loadAverage();
  const nodeFlags = npmStartNodeFlags();
  const server = await startBenchServer({ name: 'npm start', nodeFlags });
  try {
    // Every body made before the first upload: none is built while one is timed.
    const fleet = fleetOf(1, DEVICES);
    const first = bodyOf(fleet);
    const resends = Array.from({ length: RESENDS }, (_, day) => bodyOf(dailyChange(fleet, day + 1)));
    const onboarding = Array.from({ length: ONBOARDING }, (_, i) => bodyOf(fleetOf(10 + i, DEVICES)));
    const background = Array.from({ length: BACKGROUND_PAIRS }, (_, i) => ({
      starter: bodyOf(fleetOf(20 + i, DEVICES)),
      busy: bodyOf(dailyChange(fleet, 10 + 2 * i)),
      idle: bodyOf(dailyChange(fleet, 11 + 2 * i)),
    }));
    const parseMs = median([first, ...resends].flatMap((body) => [timeParse(body.text), timeParse(body.text)]));
    const apiKey = await server.newInstall('http');
    const onboardingKeys = await Promise.all(onboarding.map((_, i) => server.newInstall(`http-onboarding-${i}`)));
    const backgroundKeys = await Promise.all(background.map((_, i) => server.newInstall(`http-background-${i}`)));
    const before = await server.stats();
    const jvmBefore = processCpuMs(server.dynamoDbPid);
    const clientCpu = process.cpuUsage();
    let clientGcMs = 0;
    const gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) clientGcMs += entry.duration;
    });
    gcObserver.observe({ entryTypes: ['gc'] });

    // A first snapshot, then right after it the next days' re-sends (the first one's sync runs meanwhile).
    const firstMs = await server.post(apiKey, first);
    const resendMs: number[] = [];
    for (const body of resends) resendMs.push(await server.post(apiKey, body));

    // Three new installs' first snapshots back to back.
    const onboardingMs: number[] = [];
    for (const [i, body] of onboarding.entries()) onboardingMs.push(await server.post(onboardingKeys[i]!, body));

    // A re-send while another install's first sync runs, against one with every sync idle.
    const busyMs: number[] = [];
    const idleMs: number[] = [];
    for (const [i, pair] of background.entries()) {
      await server.idle();
      idleMs.push(await server.post(apiKey, pair.idle));
      await server.idle();
      await server.post(backgroundKeys[i]!, pair.starter);
      busyMs.push(await server.post(apiKey, pair.busy));
    }
    const after = await server.stats();
    const jvmAfter = processCpuMs(server.dynamoDbPid);
    const clientSpent = process.cpuUsage(clientCpu);
    gcObserver.disconnect();
    await server.idle();
    return {
      httpRatio: round(median(resendMs) / parseMs),
      httpOnboardingRatio: round(median(onboardingMs) / parseMs),
      backgroundSlowdown: round(median(busyMs) / median(idleMs)),
      firstUploadRatio: round(firstMs / parseMs),
      resendMs: resendMs.map((ms) => round(ms, 0)),
      onboardingMs: onboardingMs.map((ms) => round(ms, 0)),
      parseMs: round(parseMs, 1),
      bodyMB: round(first.text.length / 1024 / 1024, 1),
      gzipMB: round(first.gzip.length / 1024 / 1024, 2),
      background: { busyMs: busyMs.map((ms) => round(ms, 0)), idleMs: idleMs.map((ms) => round(ms, 0)) },
      server: {
        nodeFlags,
        cpuMs: round(after.cpuMs - before.cpuMs, 0),
        gcMs: round(after.gcMs - before.gcMs, 0),
        dynamoDbCpuMs: jvmBefore === undefined || jvmAfter === undefined ? undefined : jvmAfter - jvmBefore,
      },
      client: { cpuMs: round((clientSpent.user + clientSpent.system) / 1000, 0), gcMs: round(clientGcMs, 0) },
      loadAverage: [load, loadAverage()],
    };
  } finally {
    await server.stop();
  }
}
