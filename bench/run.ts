/**
 * `npm run bench`: every figure of bench/README.md measured in one run, printed as a table and
 * written to bench/results/latest.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
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
  console.error('storage bound: small uploads at 16 concurrent clients…');
  const storage = await measureStorageBound(env);
  results.storageBoundRatio = storage.storageBoundRatio;
  results.storageBound = storage;
} finally {
  await env.stop();
}
results.durationSeconds = Math.round((Date.now() - started) / 1000);
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(new URL('./results/latest.json', import.meta.url), JSON.stringify(results, null, 2) + '\n');
console.log(JSON.stringify(results, null, 2));
