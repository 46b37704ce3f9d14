/**
 * Figure 3: peak resident memory for a 100,000-device upload and for a bundle of all twelve
 * queries of such an install, each in a fresh process, against the inflated body size.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { writeBundle } from '../functions/bundles/writeBundle.js';
import { exportFileName, serializeRecords } from '../functions/bundles/exports.js';
import { queryTypes } from '../functions/domain/queries/index.js';
import { sampleRecords } from '../functions/samples/sampleUploads.js';
import { benchInstall, freshCollectedAt, round, sampleBody, type BenchEnvironment } from './support.js';
import { Writable } from 'node:stream';

const run = promisify(execFile);
const MB = 1024 * 1024;

export interface MemoryFigures {
  upload: { peakRssMB: number; growthMB: number; inflatedMB: number; rssPerBodyByte: number };
  bundle: { peakRssMB: number; growthMB: number; inflatedMB: number; rssPerBodyByte: number; zipMB: number };
}

async function probe(mode: 'upload' | 'bundle', file: string, installId: string) {
  const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', new URL('./memoryProbe.ts', import.meta.url).pathname, mode, file, installId], {
    env: process.env,
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { baseline: number; peak: number; growth: number; inflatedBytes: number };
}

async function bundleOf(installId: string, devices: number): Promise<{ zip: Buffer; inflatedBytes: number }> {
  const collectedAt = freshCollectedAt();
  const files = queryTypes.map((queryType) => ({
    queryType,
    path: exportFileName(queryType, 'json'),
    content: serializeRecords(queryType, sampleRecords(queryType, { devices, collectedAt, seed: 'bench-bundle' }), 'json'),
  }));
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      chunks.push(chunk);
      done();
    },
  });
  await writeBundle({ installId, mpaVersion: '3.4.1.12', collectedAt }, files, sink);
  return { zip: Buffer.concat(chunks), inflatedBytes: files.reduce((n, f) => n + f.content.length, 0) };
}

export async function measureMemory(env: BenchEnvironment): Promise<MemoryFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'mpa-bench-mem-'));
  try {
    const installId = await benchInstall(env.clients, 'memory');
    const uploadFile = join(dir, 'devices.json.gz');
    await writeFile(uploadFile, gzipSync(sampleBody('devices', 100_000)));
    const upload = await probe('upload', uploadFile, installId);

    const { zip, inflatedBytes } = await bundleOf(installId, 100_000);
    const bundleFile = join(dir, 'bundle.zip');
    await writeFile(bundleFile, zip);
    const bundle = await probe('bundle', bundleFile, installId);
    return {
      upload: {
        peakRssMB: round(upload.peak / MB, 1),
        growthMB: round(upload.growth / MB, 1),
        inflatedMB: round(upload.inflatedBytes / MB, 1),
        rssPerBodyByte: round(upload.growth / upload.inflatedBytes),
      },
      bundle: {
        peakRssMB: round(bundle.peak / MB, 1),
        growthMB: round(bundle.growth / MB, 1),
        inflatedMB: round(inflatedBytes / MB, 1),
        rssPerBodyByte: round(bundle.growth / inflatedBytes),
        zipMB: round(zip.length / MB, 1),
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
