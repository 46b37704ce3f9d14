/**
 * One memory measurement in a fresh process (figure 3): reads a prepared body from a file,
 * notes the resident set, handles the body once, and prints the peak growth as JSON.
 * Args: upload|bundle|bundle-session <file> <installId> (bundle-session: an upload session's
 * bundle limits). Storage endpoints come from the environment.
 */
import { readFile } from 'node:fs/promises';
import { directBundleLimits, sessionBundleLimits } from '../functions/bundles/limits.js';
import { zipFromBuffer } from '../functions/bundles/zipReader.js';
import { directUploadLimits, MiB } from '../functions/domain/uploadBody.js';
import { acceptReceivedUpload } from '../functions/services/acceptUpload.js';
import { ingestBundle } from '../functions/services/bundles.js';
import { clients } from '../functions/store/clients.js';
import { peakRss } from './probe.js';

const [mode, file, installId] = process.argv.slice(2) as ['upload' | 'bundle' | 'bundle-session', string, string];
const body = await readFile(file);
const c = clients();
// Warm the clients up so connection set-up does not count as the upload's memory.
await c.ddb.send(new (await import('@aws-sdk/lib-dynamodb')).GetCommand({ TableName: c.config.tableName, Key: { PK: 'warm', SK: 'warm' } }));
global.gc?.();
const baseline = process.memoryUsage().rss;
let inflatedBytes = 0;
if (mode === 'upload') {
  const outcome = await acceptReceivedUpload(c, { installId, queryType: 'devices', sent: body, encoding: 'gzip', limits: { ...directUploadLimits, maxSentBytes: 100 * MiB }, now: new Date() });
  inflatedBytes = body.readUInt32LE(body.length - 4); // gzip's trailer: the inflated size (mod 2^32)
  if (outcome.status !== 201) throw new Error(`upload answered ${outcome.status}`);
} else {
  const limits = mode === 'bundle-session' ? sessionBundleLimits : directBundleLimits;
  const outcome = await ingestBundle(c, { zip: zipFromBuffer(body), uploaderInstallId: installId, now: new Date(), limits: { ...limits } });
  if (outcome.results.some((r) => r.status === 'rejected')) throw new Error(JSON.stringify(outcome.results.filter((r) => r.status === 'rejected')).slice(0, 500));
}
const peak = peakRss();
console.log(JSON.stringify({ baseline, peak, growth: peak - baseline, inflatedBytes }));

