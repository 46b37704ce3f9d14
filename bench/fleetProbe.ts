/**
 * One fleet sync in a fresh process (the fleet figure): syncs an install whose latest devices
 * snapshot the benchmark has just stored, and prints its time, its requests by command and this
 * process's peak resident set as JSON. Args: <installId>. Storage endpoints from the environment.
 */
import { syncFleetIndexes } from '../functions/services/syncFleetIndexes.js';
import { clients } from '../functions/store/clients.js';
import { peakRss } from './probe.js';

const [installId] = process.argv.slice(2) as [string];
const c = clients();
const requests: Record<string, number> = {};
/** Wall time of each kind's first and last request: when the sync's phases ran. */
const spans: Record<string, [number, number]> = {};
const t0 = performance.now();
c.ddb.middlewareStack.add(
  (next, context) => async (args) => {
    const name = (context as { commandName?: string }).commandName ?? '?';
    requests[name] = (requests[name] ?? 0) + 1;
    const start = performance.now() - t0;
    try {
      return await next(args);
    } finally {
      const span = (spans[name] ??= [start, start]);
      span[1] = performance.now() - t0;
    }
  },
  { step: 'initialize', name: 'benchFleetRequests' },
);
const started = performance.now();
const result = await syncFleetIndexes(c, installId);
const seconds = (performance.now() - started) / 1000;
const phasesS = Object.fromEntries(Object.entries(spans).map(([name, [from, to]]) => [name, [Math.round(from / 100) / 10, Math.round(to / 100) / 10]]));
console.log(JSON.stringify({ seconds, requests, phasesS, identifiersAdded: result.identifiersAdded, peakRss: peakRss() }));

