/**
 * Figures 1 and 2: the full in-process handling of a 100,000-device upload against the
 * emulators, as a ratio to a bare JSON.parse of the same body, per stage too; and the DynamoDB
 * write requests per upload for 10, 10,000 and 100,000 devices.
 */
import { gzipSync } from 'node:zlib';
import { webcrypto } from 'node:crypto';
import { jsonMayContainAt } from '../functions/domain/pii.js';
import { decodeBody, directUploadLimits, gzipForArchive, jsonText, MiB } from '../functions/domain/uploadBody.js';
import { plainUploadJson, readUploadJson } from '../functions/domain/uploadJson.js';
import { validateUpload } from '../functions/domain/validateUpload.js';
import { acceptUpload } from '../functions/services/acceptUpload.js';
import type { Clients } from '../functions/store/clients.js';
import { benchInstall, medianOf, round, sampleBody, timeMedian, withFreshCollectedAt, withRemoteS3, type BenchEnvironment } from './support.js';

const RUNS = 5;
const WRITE_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);

export interface PipelineFigures {
  pipelineRatio: number;
  pipelineRatioPlain: number;
  bodyBytes: number;
  gzipBytes: number;
  stagesMs: Record<string, number>;
  jsonParseMs: number;
  pipelineMs: number;
  pipelinePlainMs: number;
}

export async function measurePipeline(env: BenchEnvironment): Promise<PipelineFigures> {
  const remote = await withRemoteS3(env);
  try {
    return await measurePipelineWith(remote.clients);
  } finally {
    await remote.stop();
  }
}

async function measurePipelineWith(c: Clients): Promise<PipelineFigures> {
  const installId = await benchInstall(c, 'pipeline');
  const json = sampleBody('devices', 100_000);
  const gzipped = gzipSync(json, { level: 6 });
  const text = json.toString('utf8');
  const now = new Date();

  const jsonParseMs = await timeMedian(RUNS, () => JSON.parse(text));
  // The whole handling as the upload handler does it: inflate with limits, then acceptUpload.
  const pipelineMs = await medianOf(RUNS, async () => {
    const sent = gzipSync(withFreshCollectedAt(json), { level: 6 });
    const start = performance.now();
    const body = await readUploadJson(sent, 'gzip', directUploadLimits);
    await acceptUpload(c, { installId, customerId: 'bench', queryType: 'devices', body, now: new Date() });
    return performance.now() - start;
  });
  const pipelinePlainMs = await medianOf(RUNS, async () => {
    const sent = withFreshCollectedAt(json);
    const start = performance.now();
    const body = await readUploadJson(sent, 'identity', { ...directUploadLimits, maxSentBytes: 200 * MiB });
    await acceptUpload(c, { installId, customerId: 'bench', queryType: 'devices', body, now: new Date() });
    return performance.now() - start;
  });

  const stagesMs = {
    // What the upload path does before validation, overlapped: inflate (thread pool) while this thread hashes and parses.
    inflateHashParseStreamed: await timeMedian(RUNS, async () => (await readUploadJson(gzipped, 'gzip', directUploadLimits)).parse()),
    inflate: await timeMedian(RUNS, () => decodeBody(gzipped, 'gzip', directUploadLimits)),
    decodeUtf8: await timeMedian(RUNS, () => jsonText(json)),
    jsonParse: jsonParseMs,
    emailScan: await timeMedian(RUNS, () => jsonMayContainAt(json)),
    validateAndSummarize: await timeMedian(RUNS, () => validateUpload('devices', JSON.parse(text), { now, mayContainEmail: false })) - jsonParseMs,
    sha256: await timeMedian(RUNS, () => webcrypto.subtle.digest('SHA-256', json)),
    gzipForArchive: await timeMedian(RUNS, () => gzipForArchive(json)),
  };
  return {
    pipelineRatio: round(pipelineMs / jsonParseMs),
    pipelineRatioPlain: round(pipelinePlainMs / jsonParseMs),
    bodyBytes: json.length,
    gzipBytes: gzipped.length,
    stagesMs: Object.fromEntries(Object.entries(stagesMs).map(([k, v]) => [k, round(v, 1)])),
    jsonParseMs: round(jsonParseMs, 1),
    pipelineMs: round(pipelineMs, 1),
    pipelinePlainMs: round(pipelinePlainMs, 1),
  };
}

export async function measureWrites(env: BenchEnvironment): Promise<Record<string, number>> {
  const c: Clients = env.clients;
  const counts: Record<string, number> = {};
  let writes = 0;
  c.ddb.middlewareStack.add(
    (next, context) => async (args) => {
      if (WRITE_COMMANDS.has((context as { commandName?: string }).commandName ?? '')) writes += 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchWriteCounter' },
  );
  for (const devices of [10, 10_000, 100_000]) {
    const installId = await benchInstall(c, `writes-${devices}`);
    writes = 0;
    await acceptUpload(c, { installId, queryType: 'devices', body: plainUploadJson(sampleBody('devices', devices)), now: new Date() });
    counts[String(devices)] = writes;
  }
  c.ddb.middlewareStack.remove('benchWriteCounter');
  return counts;
}
