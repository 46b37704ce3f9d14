/**
 * `npm start`: the whole service locally on http://HOST:PORT (default 127.0.0.1:3000), with
 * DynamoDB Local and s3rver keeping their data under DATA_DIR (default .data/).
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { startLocalService } from '../functions/local/localService.js';
import { rateLimiterFromEnv } from '../functions/local/rateLimit.js';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 3000);
const dataDir = resolve(process.env.DATA_DIR ?? '.data');
await mkdir(dataDir, { recursive: true });

const rateLimiter = rateLimiterFromEnv();
const service = await startLocalService({
  host,
  port,
  dataDir,
  rateLimiter,
  ...(process.env.QUIET ? {} : { log: (line: string) => console.log(line) }),
});
console.log(`MPA licensing service ready at ${service.url} (data in ${dataDir}; staff API key in ${service.staffKeySource})`);
console.log(
  rateLimiter
    ? `Rate limit: ${rateLimiter.perSecond} requests/s per API key (per address without one), bursts of ${rateLimiter.burst}`
    : 'Rate limit: off (RATE_LIMIT_PER_SECOND=0)',
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  await service.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
// The terminal closed: stop too, rather than serve on without anyone to stop it.
process.on('SIGHUP', () => void shutdown('SIGHUP'));
