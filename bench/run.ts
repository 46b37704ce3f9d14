/**
 * `npm run bench`: every figure of bench/README.md measured in one run, printed as a table and
 * written to bench/results/latest.json.
 *
 * `npm run bench -- init` (or any of pipeline, writes, memory, session, storage, init) measures only
 * those figures and writes bench/results/<names>.json instead, leaving latest.json as it was.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { measureInit } from './init.js';
import { measureMemory } from './memory.js';
import { measureSessionMemory } from './sessionMemory.js';
import { measurePipeline, measureWrites } from './pipeline.js';
import { measureStorageBound } from './storageBound.js';
import { startBenchEmulators } from './support.js';

const FIGURES = ['pipeline', 'writes', 'memory', 'session', 'storage', 'init'] as const;
type Figure = (typeof FIGURES)[number];
const only = process.argv.slice(2);
const unknown = only.filter((name) => !(FIGURES as readonly string[]).includes(name));
if (unknown.length > 0) {
  console.error(`unknown figure ${unknown.join(', ')}; one or more of: ${FIGURES.join(', ')}`);
  process.exit(2);
}
const wanted = (figure: Figure) => only.length === 0 || only.includes(figure);

const started = Date.now();
const results: Record<string, unknown> = { measuredAt: new Date().toISOString(), node: process.version };
if (FIGURES.some((figure) => figure !== 'init' && wanted(figure))) {
  const env = await startBenchEmulators();
  try {
    if (wanted('pipeline')) {
      console.error('pipeline: 100,000-device upload…');
      const pipeline = await measurePipeline(env);
      results.pipelineRatio = pipeline.pipelineRatio;
      results.pipeline = pipeline;
    }
    if (wanted('writes')) {
      console.error('writes per upload…');
      results.ddbWritesPerUpload = await measureWrites(env);
    }
    if (wanted('memory')) {
      console.error('memory: 100,000-device upload and bundle, each in a fresh process…');
      const memory = await measureMemory(env);
      results.peakRssMB = { upload: memory.upload.peakRssMB, bundle: memory.bundle.peakRssMB };
      results.rssPerBodyByte = { upload: memory.upload.rssPerBodyByte, bundle: memory.bundle.rssPerBodyByte };
      results.memory = memory;
    }
    if (wanted('session')) {
      console.error('session: the processor at the largest query session (500 MiB inflated), in a fresh process…');
      const session = await measureSessionMemory(env);
      results.sessionMaxPeakRssMB = session.peakRssMB;
      results.sessionMax = session;
    }
    if (wanted('storage')) {
      console.error('storage bound: small uploads at 16 concurrent clients…');
      const storage = await measureStorageBound(env);
      results.storageBoundRatio = storage.storageBoundRatio;
      results.storageBound = storage;
    }
  } finally {
    await env.stop();
  }
}
if (wanted('init')) {
  console.error('init: production bundles and their cold import…');
  const init = await measureInit();
  results.initRatio = Object.fromEntries(Object.entries(init).map(([name, figure]) => [name, figure.initRatio]));
  results.bundleBytes = Object.fromEntries(Object.entries(init).map(([name, figure]) => [name, figure.bundleBytes]));
  results.init = init;
}
results.durationSeconds = Math.round((Date.now() - started) / 1000);
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
const resultFile = only.length === 0 ? 'latest.json' : `${only.join('-')}.json`;
await writeFile(new URL(`./results/${resultFile}`, import.meta.url), JSON.stringify(results, null, 2) + '\n');
printTable(results);

function printTable(r: Record<string, any>): void {
  const row = (figure: string, value: unknown, target: string) => console.log(`${figure.padEnd(34)} ${String(value).padStart(12)}   ${target}`);
  console.log(`${'figure'.padEnd(34)} ${'measured'.padStart(12)}   target`);
  if (r.pipeline) {
    row('pipelineRatio (gzip upload)', r.pipelineRatio, '<= 2.5 (stretch 1.8)');
    row('pipelineRatio (plain upload)', r.pipeline.pipelineRatioPlain, '');
    for (const [stage, ms] of Object.entries(r.pipeline.stagesMs)) row(`  stage ${stage} ms`, ms, '');
    row('  whole pipeline ms', r.pipeline.pipelineMs, '');
    for (const [request, ms] of Object.entries(r.pipeline.storageRequestsMs)) row(`  request ${request} ms`, ms, '');
  }
  if (r.sessionMax) row('sessionMax peak RSS MB (500 MiB)', r.sessionMax.peakRssMB, `< ${r.sessionMax.functionMemoryMB} (processor memory)`);
  if (r.ddbWritesPerUpload) row('ddbWritesPerUpload 10/10k/100k', Object.values(r.ddbWritesPerUpload).join('/'), 'equal');
  if (r.memory) {
    row('peakRssMB upload / bundle', `${r.peakRssMB.upload}/${r.peakRssMB.bundle}`, '');
    row('rssPerBodyByte upload / bundle', `${r.rssPerBodyByte.upload}/${r.rssPerBodyByte.bundle}`, '<= 6');
  }
  if (r.storageBound) {
    row('storageBoundRatio', r.storageBoundRatio, '>= 0.5');
    row('  uploads/s, p50 ms, p99 ms', `${r.storageBound.uploadsPerSecond}, ${r.storageBound.p50Ms}, ${r.storageBound.p99Ms}`, '');
    row('  floor / 4-item transaction floor /s', `${r.storageBound.storageFloorPerSecond} / ${r.storageBound.transactionFloorPerSecond}`, '');
    row('  ratio to the transaction floor', r.storageBound.ratioToTransactionFloor, '');
    row('  bare-PutObject floor /s, ratio to it', `${r.storageBound.bareFloor.perSecond}, ${r.storageBound.bareFloor.ratio}`, '');
    const one = r.storageBound.oneInstall;
    row('  one install: ratio, uploads/s, p50', `${one.ratio}, ${one.uploadsPerSecond}, ${one.p50Ms}`, '');
    for (const [phase, cpu] of Object.entries(r.storageBound.cpuMsPerOperation as Record<string, Record<string, number>>)) {
      row(`  CPU ms/op ${phase}`, Object.entries(cpu).map(([process, ms]) => `${process} ${ms}`).join(', '), '');
    }
  }
  for (const [name, figure] of Object.entries((r.init ?? {}) as Record<string, any>)) {
    row(`init ${name}`, `${figure.initRatio} ${(figure.bundleBytes / 1024).toFixed(0)}K`, '<= 1.3, <= 1024K');
  }
  row('duration s', r.durationSeconds, '< 600');
}
