/**
 * Figure sessionMax: the processor's peak resident memory for the largest query session it
 * accepts (sessionQueryLimits: 500 MiB inflated), against the memory it is given on AWS
 * (lib/handlerProfiles.ts: 3,008 MB). The body is a devices upload generated as a stream (no
 * 500 MiB string exists anywhere: V8's strings end near 512 MiB) up to the inflated limit, put
 * into the incoming bucket as an upload session's object, and processed in a fresh process
 * whose V8 heap is capped at the function's memory, as Lambda's is.
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { createGzip } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { MAX_RECORDS } from '../functions/domain/validateUpload.js';
import { token } from '../functions/samples/sampleUploads.js';
import { createUploadSession } from '../functions/services/uploadSessions.js';
import { incomingKey } from '../functions/sessions/incomingKeys.js';
import { sessionQueryLimits } from '../functions/sessions/limits.js';
import { s3Of } from '../functions/store/s3Client.js';
import { profileFor } from '../lib/handlerProfiles.js';
import { benchInstall, freshCollectedAt, round, type BenchEnvironment } from './support.js';

const run = promisify(execFile);
const MB = 1024 * 1024;
const DEVICE_TYPES = ['MiVoice 6920', 'MiVoice 6930', 'MiVoice 6940', 'MiVoice Business', 'MiCollab', 'MiVoice Border Gateway', 'SIP trunk', 'IP Console'];

export interface SessionMemoryFigure {
  inflatedMB: number;
  gzipMB: number;
  devices: number;
  functionMemoryMB: number;
  peakRssMB: number;
  /** Peak resident bytes per inflated byte. */
  rssPerInflatedByte: number;
  /** The function's memory less the peak: what is left at the largest session (negative: it does not fit). */
  headroomMB: number;
  seconds: number;
}

/** Writes a devices envelope of at most `maxInflated` bytes as gzip to `file`; its inflated size and device count. */
async function writeDevicesUpload(file: string, maxInflated: number, collectedAt: string): Promise<{ inflated: number; devices: number }> {
  const gzip = createGzip({ level: 6 });
  const out = gzip.pipe(createWriteStream(file));
  const head = `{"schemaVersion":1,"collectedAt":"${collectedAt}","mpaVersion":"3.4.1.12","records":[`;
  const tail = ']}';
  // An upload holds at most MAX_RECORDS records, so the largest session is that many records
  // of about maxInflated / MAX_RECORDS bytes each (524 for 500 MiB): records as
  // sampleRecords('devices') makes them, their identifiers padded within their limits (128).
  const perRecord = Math.floor(maxInflated / MAX_RECORDS);
  const containers = Math.ceil(MAX_RECORDS / 25);
  const probes = Math.ceil(MAX_RECORDS / 500);
  const pad = (value: string, extra: number) => value + 'x'.repeat(Math.max(0, Math.min(128 - value.length, extra)));
  let inflated = head.length + tail.length;
  let devices = 0;
  const write = async (text: string) => {
    if (!gzip.write(text)) await once(gzip, 'drain');
  };
  await write(head);
  let batch = '';
  for (let i = 0; ; i++) {
    if (i >= MAX_RECORDS) break;
    const fields = {
      deviceId: `dev-${String(i).padStart(7, '0')}`,
      deviceType: DEVICE_TYPES[i % DEVICE_TYPES.length],
      containerId: token('bench-session', 'container', i % containers),
      probeId: i % 7 === 0 ? null : token('bench-session', 'probe', i % probes),
      arid: i % 3 === 0 ? null : String(10_000_000 + i),
      hardwareId: `HW-${(i * 7919).toString(16).toUpperCase().padStart(8, '0')}`,
      serialNumber: `SN${String(i).padStart(9, '0')}`,
    };
    let missing = perRecord - 1 - JSON.stringify(fields).length;
    for (const name of ['hardwareId', 'serialNumber', 'deviceId'] as const) {
      const before = fields[name].length;
      fields[name] = pad(fields[name], missing);
      missing -= fields[name].length - before;
    }
    const record = JSON.stringify(fields);
    const piece = (i === 0 ? '' : ',') + record;
    if (inflated + piece.length > maxInflated) break;
    inflated += piece.length;
    devices += 1;
    batch += piece;
    if (batch.length > 1 << 20) {
      await write(batch);
      batch = '';
    }
  }
  await write(batch + tail);
  gzip.end();
  await once(out, 'finish');
  return { inflated, devices };
}

export async function measureSessionMemory(env: BenchEnvironment, maxInflated = sessionQueryLimits.maxInflatedBytes): Promise<SessionMemoryFigure> {
  const dir = await mkdtemp(join(tmpdir(), 'mpa-bench-session-'));
  try {
    const installId = await benchInstall(env.clients, 'session-memory');
    const file = join(dir, 'devices.json.gz');
    const { inflated, devices } = await writeDevicesUpload(file, maxInflated, freshCollectedAt());
    const gzipped = await readFile(file);
    const c = env.clients;
    const session = await createUploadSession(c, { installId, request: { kind: 'query', queryType: 'devices', contentLength: gzipped.length, contentEncoding: 'gzip' }, now: new Date() });
    await s3Of(c).send(new PutObjectCommand({ Bucket: c.config.incomingBucket, Key: incomingKey(session.uploadId), Body: gzipped, ContentType: 'application/json', ContentEncoding: 'gzip' }));
    const functionMemoryMB = profileFor('processIncoming').memorySize;
    // Lambda caps the V8 heap below the function's memory; so does this process.
    const { stdout } = await run(
      process.execPath,
      [`--max-old-space-size=${Math.floor(functionMemoryMB * 0.9)}`, '--expose-gc', '--import', 'tsx', new URL('./sessionMemoryProbe.ts', import.meta.url).pathname, session.uploadId],
      { env: process.env, maxBuffer: 1 << 20 },
    );
    const { peak, seconds } = JSON.parse(stdout.trim().split('\n').pop()!) as { peak: number; seconds: number };
    return {
      inflatedMB: round(inflated / MB, 1),
      gzipMB: round(gzipped.length / MB, 1),
      devices,
      functionMemoryMB,
      peakRssMB: round(peak / MB, 0),
      rssPerInflatedByte: round(peak / inflated, 2),
      headroomMB: round(functionMemoryMB - peak / MB, 0),
      seconds: round(seconds, 1),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
