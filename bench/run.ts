/**
 * `npm run bench`: every figure of bench/README.md measured in one run, printed as a table and
 * written to bench/results/latest.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { measureInit } from './init.js';
import { measureMemory } from './memory.js';
import { measurePipeline, measureWrites } from './pipeline.js';
import { measureStorageBound } from './storageBound.js';
import { startBenchEmulators } from './support.js';

const started = Date.now();
const env = await startBenchEmulators();
const results: Record<string, unknown> = { measuredAt: new Date().toISOString(), node: process.version };
try {
  console.error('pipeline: 100,000-device upload…');
  const pipeline = await measurePipeline(env);
  results.pipelineRatio = pipeline.pipelineRatio;
  results.pipeline = pipeline;
  console.error('writes per upload…');
  results.ddbWritesPerUpload = await measureWrites(env);
  console.error('memory: 100,000-device upload and bundle, each in a fresh process…');
  const memory = await measureMemory(env);
  results.peakRssMB = { upload: memory.upload.peakRssMB, bundle: memory.bundle.peakRssMB };
  results.rssPerBodyByte = { upload: memory.upload.rssPerBodyByte, bundle: memory.bundle.rssPerBodyByte };
  results.memory = memory;
  console.error('storage bound: small uploads at 16 concurrent clients…');
  const storage = await measureStorageBound(env);
  results.storageBoundRatio = storage.storageBoundRatio;
  results.storageBound = storage;
} finally {
  await env.stop();
}
console.error('init: production bundles and their cold import…');
const init = await measureInit();
results.initRatio = Object.fromEntries(Object.entries(init).map(([name, figure]) => [name, figure.initRatio]));
results.bundleBytes = Object.fromEntries(Object.entries(init).map(([name, figure]) => [name, figure.bundleBytes]));
results.init = init;
results.durationSeconds = Math.round((Date.now() - started) / 1000);
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(new URL('./results/latest.json', import.meta.url), JSON.stringify(results, null, 2) + '\n');
printTable(results);

function printTable(r: Record<string, any>): void {
  const row = (figure: string, value: unknown, target: string) => console.log(`${figure.padEnd(34)} ${String(value).padStart(12)}   ${target}`);
  console.log(`${'figure'.padEnd(34)} ${'measured'.padStart(12)}   target`);
  row('pipelineRatio (gzip upload)', r.pipelineRatio, '<= 2.5 (stretch 1.8)');
  row('pipelineRatio (plain upload)', r.pipeline.pipelineRatioPlain, '');
  for (const [stage, ms] of Object.entries(r.pipeline.stagesMs)) row(`  stage ${stage} ms`, ms, '');
  row('  whole pipeline ms', r.pipeline.pipelineMs, '');
  row('ddbWritesPerUpload 10/10k/100k', Object.values(r.ddbWritesPerUpload).join('/'), 'equal');
  row('peakRssMB upload / bundle', `${r.peakRssMB.upload}/${r.peakRssMB.bundle}`, '');
  row('rssPerBodyByte upload / bundle', `${r.rssPerBodyByte.upload}/${r.rssPerBodyByte.bundle}`, '<= 6');
  row('storageBoundRatio', r.storageBoundRatio, '>= 0.5');
  row('  uploads/s, p50 ms, p99 ms', `${r.storageBound.uploadsPerSecond}, ${r.storageBound.p50Ms}, ${r.storageBound.p99Ms}`, '');
  for (const [name, figure] of Object.entries(r.init as Record<string, any>)) {
    row(`init ${name}`, `${figure.initRatio} ${(figure.bundleBytes / 1024).toFixed(0)}K`, '<= 1.3, <= 1024K');
  }
  row('duration s', r.durationSeconds, '< 600');
}
