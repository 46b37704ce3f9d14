/**
 * A load generator in its own process (so it does not share the server's event loop):
 * `concurrency` clients post small uploads until `total` are done; prints JSON results.
 * Each client is an install of its own when several API keys are given (comma-separated),
 * as thousands of installs uploading in the same hour are; with one key they all share it.
 * Upload n is collected at `firstCollectedAt` (epoch ms) + n seconds: each install's snapshots
 * arrive in order, and a later run continues where the last one ended (an older snapshot than an
 * install's latest costs a second transaction, functions/store/uploadLog.ts).
 * Args: url apiKeys total concurrency firstCollectedAt. Prints rate, latencies, statuses and the
 * CPU time it used itself while uploading (its start-up left out).
 *
 * Requests go through `node:http` on kept-alive connections, one per client: the client shares
 * the two cores with the server it measures, and `fetch` cost about twice its CPU per request.
 */
import { Agent, request } from 'node:http';
import { sampleUpload } from '../functions/samples/sampleUploads.js';

const [url, apiKeysArg, totalArg, concurrencyArg, firstCollectedAtArg] = process.argv.slice(2);
const apiKeys = apiKeysArg!.split(',');
const total = Number(totalArg);
const concurrency = Number(concurrencyArg);
const base = Number(firstCollectedAtArg);
const template = sampleUpload('event-counts', { devices: 10, collectedAt: new Date(base).toISOString() });

const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL('/v1/uploads/event-counts', url);

/** An answer takes at most this long (the server's p99 is under 0.2 s). */
const TIMEOUT_MS = 30_000;

/**
 * One POST: its status once the whole answer is read. A kept-alive connection the server closed
 * just as it was reused fails at once; the request is then sent again on a new one.
 */
function post(apiKey: string, body: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const req = request(target, { method: 'POST', agent, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
      response.on('data', () => undefined);
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', reject);
    });
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => (req.reusedSocket && error.code === 'ECONNRESET' ? post(apiKey, body).then(resolve, reject) : reject(error)));
    req.end(body);
  });
}

let next = 0;
const latencies: number[] = [];
const statuses: Record<string, number> = {};
async function client(apiKey: string): Promise<void> {
  while (next < total) {
    const n = next++;
    const body = JSON.stringify({ ...template, collectedAt: new Date(base + n * 1000).toISOString() });
    const start = performance.now();
    const status = await post(apiKey, body);
    latencies.push(performance.now() - start);
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
}
const cpuAtStart = process.cpuUsage();
const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, (_, i) => client(apiKeys[i % apiKeys.length]!)));
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuAtStart);
agent.destroy();
latencies.sort((a, b) => a - b);
const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)]!;
console.log(JSON.stringify({ perSecond: total / seconds, p50: at(0.5), p99: at(0.99), statuses, cpuMs: (cpu.user + cpu.system) / 1000 }));
