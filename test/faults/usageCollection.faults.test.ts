/**
 * Opting out of usage collection (PUT /v1/usage-collection {enabled:false}) with S3 or
 * DynamoDB failing, timing out or hanging at each step of the flag write and the purge.
 * After the client's retry: none of the install's optional data is left (raw, log,
 * snapshots, summaries), its other data is untouched and stored exactly once; and between
 * the fault and the retry the flag as stored decides whether optional uploads are taken.
 */
import type { ProblemError } from '../../functions/domain/problems.js';
import { optionalQueryTypes, type QueryType } from '../../functions/domain/queries/index.js';
import type { Receipt } from '../../functions/domain/receipts.js';
import { acceptUpload } from '../../functions/services/acceptUpload.js';
import { setUsageCollection } from '../../functions/services/usageCollection.js';
import { createClients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { getInstall } from '../../functions/store/installs.js';
import { acceptSample, expectExactlyOnce, newInstall, sampleJson } from '../support/exactlyOnce.js';
import { minutesAgo } from '../support/time.js';
import { faultCases, firstCycleAndLast, StepFaults, traceSteps } from '../support/faultSteps.js';
import { plainUploadJson } from '../../functions/domain/uploadJson.js';

const healthy = createClients(storageConfig());
afterAll(() => {
  destroyClients(healthy);
});

/** An install with one snapshot of each optional type and a devices snapshot. */
async function installWithData(): Promise<{ installId: string; kept: Receipt[] }> {
  const installId = await newInstall(healthy, 'opt-out');
  const collectedAt = minutesAgo(30);
  for (const queryType of optionalQueryTypes) await acceptSample(healthy, installId, queryType, collectedAt);
  const kept = [await acceptSample(healthy, installId, 'devices', collectedAt)];
  return { installId, kept };
}

const traced = await installWithData();
const steps = await traceSteps((c) => setUsageCollection(c, traced.installId, false));

it('the opt-out touches S3 and DynamoDB in more than a few steps (the trace the cases below break)', () => {
  expect(steps.length).toBeGreaterThan(optionalQueryTypes.length * 2);
  expect(steps[0]!.command).toBe('UpdateItemCommand');
});

describe('opting out with a fault at each step', () => {
  // The purge repeats the same calls for each optional type: each distinct step, and the last.
  it.each(faultCases(firstCycleAndLast(steps, (call) => call.command === 'GetBucketVersioningCommand')))('%s: the flag decides what is taken, and a retry removes all optional data and nothing else', async (_name, step, mode) => {
    const { installId, kept } = await installWithData();
    const faulty = new StepFaults(createClients(storageConfig())).failAt(step, mode);
    const outcome = await faulty.run(() => setUsageCollection(faulty.clients, installId, false));
    faulty.dispose();
    expect(faulty.fired?.step).toBe(step);
    expect('value' in outcome).toBe(false);

    // Between the fault and the retry: an optional upload is taken exactly when the stored flag allows it.
    const enabled = (await getInstall(healthy, installId, true))!.usageCollectionEnabled;
    const late = acceptUpload(healthy, { installId, queryType: 'user-actions', body: plainUploadJson(sampleJson('user-actions', minutesAgo(5))), now: new Date() });
    if (enabled) await late;
    else await expect(late).rejects.toMatchObject({ code: 'usage_collection_disabled' } satisfies Partial<ProblemError>);

    // The client retries its PUT.
    expect(await setUsageCollection(healthy, installId, false)).toEqual({ enabled: false });
    const state = await expectExactlyOnce(healthy, installId, kept);
    const optional = new Set<QueryType>(optionalQueryTypes);
    expect(state.rawKeys.filter((key) => [...optional].some((t) => key.startsWith(`raw/query=${t}/`)))).toEqual([]);
    expect(state.log.filter((entry) => optional.has(entry.queryType))).toEqual([]);
    expect(state.snapshots.filter((s) => optional.has(s.queryType))).toEqual([]);
    expect(state.latest.map((l) => l.queryType)).toEqual(['devices']);
  });
});

describe('an optional upload racing the opt-out', () => {
  const uploadSteps = (c: Parameters<typeof acceptUpload>[0], installId: string, collectedAt: string) =>
    acceptUpload(c, { installId, queryType: 'call-quality', body: plainUploadJson(sampleJson('call-quality', collectedAt)), now: new Date() });

  it.each(['PutObjectCommand', 'TransactWriteItemsCommand'])('the opt-out completing just before the upload’s %s: refused, and nothing optional is left', async (command) => {
    const { installId, kept } = await installWithData();
    const collectedAt = minutesAgo(3);
    const other = await newInstall(healthy, 'trace');
    const trace = await traceSteps((c) => uploadSteps(c, other, minutesAgo(4)));
    const step = trace.find((call) => call.command === command)!.step;
    const racing = new StepFaults(createClients(storageConfig())).pauseAt(step, () => setUsageCollection(healthy, installId, false));
    await expect(uploadSteps(racing.clients, installId, collectedAt)).rejects.toMatchObject({ code: 'usage_collection_disabled' });
    racing.dispose();
    const state = await expectExactlyOnce(healthy, installId, kept);
    expect(state.rawKeys.filter((key) => key.startsWith('raw/query=call-quality/'))).toEqual([]);
  });
});
