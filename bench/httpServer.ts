/**
 * The local server for the HTTP figures, as `npm start` runs it: bin/server.ts's
 * startLocalService (its own DynamoDB Local on disk, s3rver in a child process, the fleet sync
 * process, the rate limiter from the environment) in a process of its own, which bench/http.ts
 * starts with npm start's node flags. The benchmark's client, its bodies and its bare
 * JSON.parse stay in the benchmark's process, off this one's heap and thread.
 *
 * Args: <dataDir> [--s3-in-process] [--fleet-niceness=N]. Messages out (IPC): { url, config, dynamoDbPid } once
 * serving; { idle: n } once the fleet syncs asked for so far have finished, in answer to
 * { idle: n }; { stats: n, cpuMs, gcMs } in answer to { stats: n }. { stop: true } stops it.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { fleetIndexesIdle } from '../functions/local/fleetIndexRunner.js';
import { startLocalService } from '../functions/local/localService.js';
import { rateLimiterFromEnv } from '../functions/local/rateLimit.js';

const [dataDir, ...flags] = process.argv.slice(2);
const niceness = flags.find((flag) => flag.startsWith('--fleet-niceness='))?.slice('--fleet-niceness='.length);
const service = await startLocalService({
  host: '127.0.0.1',
  port: 0,
  dataDir: dataDir!,
  rateLimiter: rateLimiterFromEnv(),
  s3InProcess: flags.includes('--s3-in-process'),
  ...(niceness === undefined ? {} : { fleetSyncPriority: Number(niceness) }),
});

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ['gc'] });

type Message = { idle: number } | { stats: number } | { stop: true };
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void service.stop().finally(() => process.exit(0));
};
process.on('message', (message: Message) => {
  if ('idle' in message) void fleetIndexesIdle().then(() => process.send?.({ idle: message.idle }));
  else if ('stats' in message) {
    const cpu = process.cpuUsage();
    process.send?.({ stats: message.stats, cpuMs: (cpu.user + cpu.system) / 1000, gcMs });
  } else stop();
});
process.on('disconnect', stop);
process.send?.({ url: service.url, config: service.clients.config, dynamoDbPid: service.emulators.dynamoDbPid });
