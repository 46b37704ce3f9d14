/**
 * Fleet sync figure: the fleet index sync of a first devices snapshot (100,000 devices; with
 * --fleet-1m also 1,000,000) on DynamoDB Local, in a fresh process: its time, its write
 * requests and its peak memory.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { plainUploadJson } from '../functions/domain/uploadJson.js';
import { acceptUpload } from '../functions/services/acceptUpload.js';
import { fleetOf } from './http.js';
import { benchInstall, freshCollectedAt, round, type BenchEnvironment } from './support.js';

const run = promisify(execFile);
const WRITE_COMMANDS = ['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand'];

export interface FleetSyncFigure {
  devices: number;
  seconds: number;
  writeRequests: number;
  requests: Record<string, number>;
  /** Seconds from the sync's start to the first and the last request of each kind. */
  phasesS: Record<string, [number, number]>;
  identifiers: number;
  peakRssMB: number;
}

/**
 * Stores a first `devices`-device snapshot for a new install, then times its sync in a child
 * process. The devices are an export's (bench/http.ts) with identifiers of this install alone
 * (`site`): the sample's identifiers are the same in every install, and a new install sharing
 * all of them with another would measure the duplicates report's writes, one per identifier.
 */
export async function measureFleetSync(env: BenchEnvironment, devices: number, site: number): Promise<FleetSyncFigure> {
  const installId = await benchInstall(env.clients, `fleet-${devices}`);
  const body = Buffer.from(JSON.stringify({ schemaVersion: 1, collectedAt: freshCollectedAt(), mpaVersion: '3.4.1.12', records: fleetOf(site, devices) }));
  const outcome = await acceptUpload(env.clients, { installId, queryType: 'devices', body: plainUploadJson(body), now: new Date() });
  if (outcome.status !== 201) throw new Error(`the fleet figure's upload answered ${outcome.status}`);
  const { stdout } = await run(process.execPath, ['--import', 'tsx', new URL('./fleetProbe.ts', import.meta.url).pathname, installId], { env: process.env, maxBuffer: 1 << 20 });
  const probe = JSON.parse(stdout.trim().split('\n').pop()!) as { seconds: number; requests: Record<string, number>; phasesS: Record<string, [number, number]>; identifiersAdded: number; peakRss: number };
  return {
    devices,
    seconds: round(probe.seconds, 1),
    writeRequests: WRITE_COMMANDS.reduce((n, name) => n + (probe.requests[name] ?? 0), 0),
    requests: probe.requests,
    phasesS: probe.phasesS,
    identifiers: probe.identifiersAdded,
    peakRssMB: round(probe.peakRss / 1024 / 1024, 0),
  };
}
