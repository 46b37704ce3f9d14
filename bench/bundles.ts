/**
 * Bundles at their limits (docs/reliability.md, the attack of item 6): the peak resident memory
 * of the worst in-limit direct bundle and of the worst in-limit upload-session bundle, each in a
 * fresh process, and the latency of GET /health while six direct bundles run at once through
 * the local API.
 *
 * The worst direct bundle: one devices CSV of just under 100 MiB inflated (the direct budget of
 * the whole bundle; more, smaller files are read one after another). The worst session bundle:
 * one devices CSV of a million records (MAX_RECORDS; the 500 MiB per-file limit holds more bytes
 * but no more records, and records are what costs memory). For /health: six bundles as large as
 * may be POSTed (the direct sent limit), each a devices CSV of as many records as fit.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { directBundleLimits } from '../functions/bundles/limits.js';
import { exportFileName, serializeRecords } from '../functions/bundles/exports.js';
import { writeBundle } from '../functions/bundles/writeBundle.js';
import { directUploadLimits } from '../functions/domain/uploadBody.js';
import { MAX_RECORDS } from '../functions/domain/validateUpload.js';
import { createLocalServer } from '../functions/local/localApi.js';
import { sampleRecords } from '../functions/samples/sampleUploads.js';
import { createInstall } from '../functions/store/installs.js';
import { type BenchEnvironment, freshCollectedAt, round } from './support.js';

const run = promisify(execFile);
const MB = 1024 * 1024;
const CONCURRENT_BUNDLES = 6;

export interface BundleFigures {
  bundleDirectPeakMB: number;
  bundleSessionPeakMB: number;
  healthP99MsUnderBundles: number;
  direct: { inflatedMB: number; records: number; zipMB: number };
  session: { inflatedMB: number; records: number; zipMB: number };
  health: { bundles: number; bundleZipMB: number; bundleRecords: number; probes: number; p50Ms: number; maxMs: number; bundleStatuses: number[]; bundlesSeconds: number };
}

/** A bundle of one devices CSV of `records` records. */
async function devicesBundle(installId: string, records: number): Promise<{ zip: Buffer; inflatedBytes: number }> {
  const collectedAt = freshCollectedAt();
  const content = serializeRecords('devices', sampleRecords('devices', { devices: records, collectedAt, seed: `bench-bundle-${records}` }), 'csv');
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      chunks.push(chunk);
      done();
    },
  });
  await writeBundle({ installId, mpaVersion: '3.4.1.12', collectedAt }, [{ queryType: 'devices', path: exportFileName('devices', 'csv'), content }], sink);
  return { zip: Buffer.concat(chunks), inflatedBytes: content.length };
}

/** CSV bytes per devices record, from a sample. */
async function bytesPerRecord(installId: string): Promise<number> {
  const { inflatedBytes } = await devicesBundle(installId, 20_000);
  return inflatedBytes / 20_000;
}

async function probePeak(mode: 'bundle' | 'bundle-session', file: string, installId: string): Promise<number> {
  const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', new URL('./memoryProbe.ts', import.meta.url).pathname, mode, file, installId], {
    env: process.env,
    maxBuffer: 1 << 20,
  });
  return (JSON.parse(stdout.trim().split('\n').pop()!) as { peak: number }).peak;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** GET /health every 20 ms on its own connection while `work` runs: the latencies. */
async function healthWhile(url: string, work: Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let done = false;
  void work.finally(() => (done = true));
  while (!done) {
    const started = performance.now();
    await (await fetch(`${url}/health`)).arrayBuffer();
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return latencies;
}

export async function measureBundles(env: BenchEnvironment): Promise<BundleFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'mpa-bench-bundles-'));
  try {
    const { install, apiKey } = await createInstall(env.clients, { customerId: 'bench', name: 'bundles' }, new Date());
    const perRecord = await bytesPerRecord(install.installId);

    const directRecords = Math.min(MAX_RECORDS, Math.floor((directBundleLimits.maxTotalInflatedBytes * 0.98) / perRecord));
    const direct = await devicesBundle(install.installId, directRecords);
    await writeFile(join(dir, 'direct.zip'), direct.zip);
    const directPeak = await probePeak('bundle', join(dir, 'direct.zip'), install.installId);

    const session = await devicesBundle(install.installId, MAX_RECORDS);
    await writeFile(join(dir, 'session.zip'), session.zip);
    const sessionPeak = await probePeak('bundle-session', join(dir, 'session.zip'), install.installId);

    // As many records as fit the direct sent limit, found from the compression of the direct bundle.
    const ratio = direct.inflatedBytes / direct.zip.length;
    let healthRecords = Math.min(directRecords, Math.floor((directUploadLimits.maxSentBytes * 0.95 * ratio) / perRecord));
    let bundles: { zip: Buffer }[] = [];
    for (;;) {
      bundles = [];
      for (let i = 0; i < CONCURRENT_BUNDLES; i++) bundles.push(await devicesBundle(install.installId, healthRecords));
      if (bundles.every((b) => b.zip.length <= directUploadLimits.maxSentBytes)) break;
      healthRecords = Math.floor(healthRecords * 0.9);
    }
    const server = createLocalServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const started = performance.now();
      const posting = Promise.all(
        bundles.map(async ({ zip }) => {
          const answer = await fetch(`${url}/v1/bundles`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/zip' }, body: zip });
          await answer.arrayBuffer();
          return answer.status;
        }),
      );
      const latencies = await healthWhile(url, posting);
      const statuses = await posting;
      const bundlesSeconds = (performance.now() - started) / 1000;
      return {
        bundleDirectPeakMB: round(directPeak / MB, 1),
        bundleSessionPeakMB: round(sessionPeak / MB, 1),
        healthP99MsUnderBundles: round(percentile(latencies, 99), 1),
        direct: { inflatedMB: round(direct.inflatedBytes / MB, 1), records: directRecords, zipMB: round(direct.zip.length / MB, 2) },
        session: { inflatedMB: round(session.inflatedBytes / MB, 1), records: MAX_RECORDS, zipMB: round(session.zip.length / MB, 2) },
        health: {
          bundles: CONCURRENT_BUNDLES,
          bundleZipMB: round(Math.max(...bundles.map((b) => b.zip.length)) / MB, 2),
          bundleRecords: healthRecords,
          probes: latencies.length,
          p50Ms: round(percentile(latencies, 50), 1),
          maxMs: round(Math.max(...latencies), 1),
          bundleStatuses: statuses,
          bundlesSeconds: round(bundlesSeconds, 1),
        },
      };
    } finally {
      server.closeAllConnections();
      server.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
