/**
 * The processor at its largest session, in a fresh process (figure sessionMax): runs the
 * processor's own path (processIncomingObject, a query session's limits) on a session whose
 * object bench/sessionMemory.ts put in the incoming bucket, and prints the peak resident set as
 * JSON. Args: <uploadId>. Storage endpoints come from the environment.
 */
import { processIncomingObject } from '../functions/services/processIncoming.js';
import { incomingKey } from '../functions/sessions/incomingKeys.js';
import { clients } from '../functions/store/clients.js';
import { getUpload } from '../functions/store/uploadLog.js';
import { peakRss } from './probe.js';

const [uploadId] = process.argv.slice(2) as [string];
const c = clients();
global.gc?.();
const baseline = process.memoryUsage().rss;
const started = performance.now();
const result = await processIncomingObject(c, { bucket: c.config.incomingBucket, key: incomingKey(uploadId) });
const seconds = (performance.now() - started) / 1000;
const upload = await getUpload(c, uploadId);
if (upload?.status !== 'accepted') throw new Error(`the session ended ${upload?.status}: ${JSON.stringify(result).slice(0, 500)}`);
console.log(JSON.stringify({ baseline, peak: peakRss(), seconds }));

