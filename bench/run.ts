/**
 * `npm run bench`: every figure of bench/README.md measured in one run, printed as a table and
 * written to bench/results/latest.json.
 *
 * `npm run bench -- init` (or any of pipeline, writes, memory, bundles, session, storage, init, compliance, console, http, fleet) measures only
 * those figures and writes bench/results/<names>.json instead, leaving latest.json as it was.
 * `--fleet-1m` adds the fleet sync of a 1,000,000-device first snapshot (about a minute more).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { measureCompliance } from './compliance.js';
import { measureConsole } from './console.js';
import { measureInit } from './init.js';
import { measureBundles } from './bundles.js';
import { measureMemory } from './memory.js';
import { measureFleetSync } from './fleet.js';
import { measureHttp } from './http.js';
import { measureSessionMemory } from './sessionMemory.js';
import { measurePipeline, measureWrites } from './pipeline.js';
import { measureStorageBound } from './storageBound.js';
import { startBenchEmulators } from './support.js';

const FIGURES = ['pipeline', 'writes', 'memory', 'bundles', 'session', 'storage', 'init', 'compliance', 'console', 'http', 'fleet'] as const;
type Figure = (typeof FIGURES)[number];
const flags = new Set(process.argv.slice(2).filter((arg) => arg.startsWith('--')));
const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
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
    if (wanted('bundles')) {
      console.error('bundles at their limits: direct and session peaks in fresh processes, /health under six direct bundles…');
      const bundles = await measureBundles(env);
      results.bundleDirectPeakMB = bundles.bundleDirectPeakMB;
      results.bundleSessionPeakMB = bundles.bundleSessionPeakMB;
      results.healthP99MsUnderBundles = bundles.healthP99MsUnderBundles;
      results.bundles = bundles;
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
    if (wanted('compliance')) {
      console.error('compliance: 50 installs × 400 days of licensing counts…');
      const compliance = await measureCompliance(env);
      results.complianceMs50x400 = compliance.complianceMs50x400;
      results.compliance = compliance;
    }
    if (wanted('console')) {
      console.error('console: overview of 1,000 installs in headless Chromium…');
      const figures = await measureConsole();
      results.consoleOverviewMs = figures.consoleOverviewMs;
      results.consoleJsGzipKB = figures.consoleJsGzipKB;
      results.console = figures;
    }
    if (wanted('http')) {
      console.error('http: 100,000-device uploads through the local server, fleet syncs on…');
      const http = await measureHttp(env);
      results.httpRatio = http.httpRatio;
      results.httpOnboardingRatio = http.httpOnboardingRatio;
      results.backgroundSlowdown = http.backgroundSlowdown;
      results.http = http;
    }
    if (wanted('fleet')) {
      console.error('fleet: the fleet sync of a first 100,000-device snapshot…');
      const fleet = await measureFleetSync(env, 100_000, 40);
      results.fleetSyncFirstSnapshotS = fleet.seconds;
      results.fleetSyncRequestsPerFirstSnapshot = fleet.writeRequests;
      results.fleetSync = fleet;
      if (flags.has('--fleet-1m')) {
        console.error('fleet: the fleet sync of a first 1,000,000-device snapshot…');
        const million = await measureFleetSync(env, 1_000_000, 41);
        results.fleetSyncFirstSnapshotS1m = million.seconds;
        results.fleetSync1m = million;
      }
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
await writeFile(new URL(`./results/${resultFile}`, import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
printTable(results);

function printTable(r: Record<string, any>): void {
  const row = (figure: string, value: unknown, target: string) => console.log(`${figure.padEnd(34)} ${String(value).padStart(12)}   ${target}`);
  console.log(`${'figure'.padEnd(34)} ${'measured'.padStart(12)}   target`);
  if (r.pipeline) {
    row('pipelineRatio (gzip upload)', r.pipelineRatio, '<= 2.2 (stretch 1.8)');
    row('pipelineRatio (plain upload)', r.pipeline.pipelineRatioPlain, '');
    for (const [stage, ms] of Object.entries(r.pipeline.stagesMs)) row(`  stage ${stage} ms`, ms, '');
    row('  whole pipeline ms', r.pipeline.pipelineMs, '');
    for (const [request, ms] of Object.entries(r.pipeline.storageRequestsMs)) row(`  request ${request} ms`, ms, '');
  }
  if (r.sessionMax) row('sessionMax peak RSS MB (500 MiB)', r.sessionMax.peakRssMB, `< ${r.sessionMax.functionMemoryMB} (processor memory)`);
  if (r.ddbWritesPerUpload) row('ddbWritesPerUpload 10/10k/100k', Object.values(r.ddbWritesPerUpload).join('/'), 'equal');
  if (r.memory) {
    row('peakRssMB upload / bundle', `${r.peakRssMB.upload}/${r.peakRssMB.bundle}`, '');
    row('rssPerBodyByte upload / bundle', `${r.rssPerBodyByte.upload}/${r.rssPerBodyByte.bundle}`, '<= 4');
  }
  if (r.bundles) {
    row('bundleDirectPeakMB', r.bundleDirectPeakMB, '<= 600');
    row('bundleSessionPeakMB', r.bundleSessionPeakMB, '<= 1200');
    row('healthP99MsUnderBundles', r.healthP99MsUnderBundles, '<= 250');
  }
  if (r.storageBound) {
    row('storageBoundRatio', r.storageBoundRatio, '>= 0.6');
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
  if (r.compliance) {
    row('complianceMs50x400', r.complianceMs50x400, '<= 1000');
    row('  runs ms; snapshots, rows', `${r.compliance.runsMs.join(' ')}; ${r.compliance.snapshots}, ${r.compliance.rows}`, '');
  }
  if (r.http) {
    row('httpRatio (re-sends, 1 % changed)', r.httpRatio, '<= 2.5 (stretch 2.0)');
    row('httpOnboardingRatio', r.httpOnboardingRatio, '<= 3');
    row('backgroundSlowdown', r.backgroundSlowdown, '<= 1.25');
    row('  first upload ratio, parse ms', `${r.http.firstUploadRatio}, ${r.http.parseMs}`, '');
    row('  body MB, gzip MB', `${r.http.bodyMB}, ${r.http.gzipMB}`, '');
  }
  if (r.fleetSync) {
    row('fleetSyncFirstSnapshotS (100k)', r.fleetSyncFirstSnapshotS, '<= 30');
    row('fleetSyncRequestsPerFirstSnapshot', r.fleetSyncRequestsPerFirstSnapshot, '<= 5000');
    row('  peak MB (100k)', r.fleetSync.peakRssMB, '');
  }
  if (r.fleetSync1m) {
    row('fleetSyncFirstSnapshotS (1M)', r.fleetSyncFirstSnapshotS1m, '<= 300');
    row('  requests, peak MB (1M)', `${r.fleetSync1m.writeRequests}, ${r.fleetSync1m.peakRssMB}`, '');
  }
  for (const [name, figure] of Object.entries((r.init ?? {}) as Record<string, any>)) {
    row(`init ${name}`, `${figure.initRatio} ${(figure.bundleBytes / 1024).toFixed(0)}K`, '<= 1.3, <= 1024K');
  }
  if (r.console) {
    row('consoleOverviewMs (1,000 installs)', r.consoleOverviewMs, '<= 1000');
    row('consoleJsGzipKB', r.consoleJsGzipKB, '<= 250');
  }
  row('duration s', r.durationSeconds, '< 600');
}
