/**
 * HTTP figures: uploads as a client sends them, through the real local server
 * (createLocalServer on a real socket, gzip bodies) with its fleet index runner on, as
 * `npm start` runs it. httpRatio: a first 100,000-device snapshot, then right after it five
 * daily re-sends with 1 % of the devices changed, the re-sends' median time over a bare
 * JSON.parse of the body. httpOnboardingRatio: three new installs' first snapshots back to
 * back. backgroundSlowdown: a re-send while another install's first-snapshot sync is under way,
 * over the same with every sync idle.
 */
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { fleetIndexesIdle, startFleetIndexRunner, stopFleetIndexRunner } from '../functions/local/fleetIndexRunner.js';
import { createLocalServer } from '../functions/local/localApi.js';
import { token } from '../functions/samples/sampleUploads.js';
import { createInstall } from '../functions/store/installs.js';
import { freshCollectedAt, median, round, type BenchEnvironment } from './support.js';

const DEVICES = 100_000;
const RESENDS = 5;
const ONBOARDING = 3;
const BACKGROUND_PAIRS = 3;
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
function dailyChange(devices: Device[], day: number): Device[] {
  return devices.map((device, i) =>
    i % 100 === day % 100 ? { ...device, hardwareId: `${device.hardwareId}-r${day}`, serialNumber: device.serialNumber ? `${device.serialNumber}R${day}` : null } : device,
  );
}

interface Body {
  text: string;
  gzip: Buffer;
}

function bodyOf(devices: Device[]): Body {
  const text = JSON.stringify({ schemaVersion: 1, collectedAt: freshCollectedAt(), mpaVersion: '3.4.1.12', records: devices });
  return { text, gzip: gzipSync(text) };
}

function timeParse(text: string): number {
  const start = performance.now();
  JSON.parse(text);
  return performance.now() - start;
}

export async function measureHttp(env: BenchEnvironment): Promise<HttpFigures> {
  await env.warmUp();
  startFleetIndexRunner();
  const server = createLocalServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });

  /** One upload over the socket; its time from the first byte sent to the answer's last. */
  const post = async (apiKey: string, body: Body): Promise<number> => {
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
  };
  const newInstall = async (name: string) => (await createInstall(env.clients, { customerId: 'bench-http', name }, new Date())).apiKey;

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

    // A first snapshot, then right after it the next days' re-sends (the first one's sync runs meanwhile).
    const apiKey = await newInstall('http');
    const firstMs = await post(apiKey, first);
    const resendMs: number[] = [];
    for (const body of resends) resendMs.push(await post(apiKey, body));

    // Three new installs' first snapshots back to back.
    const onboardingMs: number[] = [];
    for (const [i, body] of onboarding.entries()) onboardingMs.push(await post(await newInstall(`http-onboarding-${i}`), body));

    // A re-send while another install's first sync runs, against one with every sync idle.
    const busyMs: number[] = [];
    const idleMs: number[] = [];
    for (const [i, pair] of background.entries()) {
      await fleetIndexesIdle();
      idleMs.push(await post(apiKey, pair.idle));
      await fleetIndexesIdle();
      await post(await newInstall(`http-background-${i}`), pair.starter);
      busyMs.push(await post(apiKey, pair.busy));
    }
    await fleetIndexesIdle();
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
    };
  } finally {
    agent.destroy();
    server.closeAllConnections();
    server.close();
    await stopFleetIndexRunner();
  }
}
