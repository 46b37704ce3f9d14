/**
 * POST /v1/bundles with S3 or DynamoDB failing, timing out or hanging at each step of each
 * file, including after a file's raw write and before its log commit. The client retries
 * the whole bundle: files accepted before the fault come back as duplicates with their
 * original receipts, the others are accepted, every receipt is durable when it is given,
 * and every file's snapshot is stored exactly once.
 */
import { directBundleLimits } from '../../functions/bundles/limits.js';
import { zipFromBuffer } from '../../functions/bundles/zipReader.js';
import type { Receipt } from '../../functions/domain/receipts.js';
import { ingestBundle, type BundleOutcome } from '../../functions/services/bundles.js';
import { createClients, type Clients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { postBundle, sampleBundle } from '../support/bundles.js';
import { expectDurable, expectExactlyOnce, newInstall } from '../support/exactlyOnce.js';
import { minutesAgo } from '../support/time.js';
import { faultCases, StepFaults, traceSteps } from '../support/faultSteps.js';
import { injectFaults } from '../support/faults.js';
import { clients, createTestInstall, startTestApi } from '../support/localApi.js';

const healthy = createClients(storageConfig());
afterAll(() => {
  destroyClients(healthy);
});

const FILES = ['devices', 'user-counts'] as const;

async function bundleOfNewInstall() {
  const installId = await newInstall(healthy, 'bundle');
  const zip = await sampleBundle({ installId, collectedAt: minutesAgo(15), queryTypes: FILES, devices: 12 });
  return { installId, zip };
}

const ingest = (c: Clients, installId: string, zip: Buffer) =>
  ingestBundle(c, { zip: zipFromBuffer(zip), uploaderInstallId: installId, now: new Date(), limits: directBundleLimits });

async function receiptsOf(c: Clients, outcome: BundleOutcome): Promise<Receipt[]> {
  const receipts = outcome.results.map((r) => r.receipt!);
  for (const receipt of receipts) await expectDurable(c, receipt);
  return receipts;
}

const traced = await bundleOfNewInstall();
const steps = await traceSteps((c) => ingest(c, traced.installId, traced.zip));

it('each file is archived before its log commit', () => {
  const commands = steps.map((s) => s.command);
  expect(commands.filter((c) => c === 'PutObjectCommand')).toHaveLength(FILES.length);
  expect(commands.indexOf('PutObjectCommand')).toBeLessThan(commands.indexOf('TransactWriteItemsCommand'));
});

describe('a bundle with a fault at each step', () => {
  it.each(faultCases(steps))('%s: the retried bundle stores every file exactly once', async (_name, step, mode) => {
    const { installId, zip } = await bundleOfNewInstall();
    const faulty = new StepFaults(createClients(storageConfig())).failAt(step, mode);
    const outcome = await faulty.run(() => ingest(faulty.clients, installId, zip));
    faulty.dispose();
    expect('value' in outcome).toBe(false);

    const retried = await ingest(healthy, installId, zip);
    const receipts = await receiptsOf(healthy, retried);
    expect(retried.results.map((r) => r.status)).toEqual(retried.results.map((r) => (r.receipt?.duplicate ? 'duplicate' : 'accepted')));
    // A file is a duplicate only if its snapshot was committed before the fault.
    const isCommit = (command: string) => command === 'TransactWriteItemsCommand';
    const commitsThrough = steps.slice(0, step).filter((s) => isCommit(s.command)).length;
    const committed = commitsThrough - (isCommit(steps[step - 1]!.command) && mode !== 'timeout-after-send' ? 1 : 0);
    expect(retried.results.filter((r) => r.status === 'duplicate')).toHaveLength(committed);
    await expectExactlyOnce(healthy, installId, receipts);
  });
});

describe('over HTTP', () => {
  it('a failed commit of the second file answers 500; the retried POST answers 201 with a duplicate and an acceptance, both durable', async () => {
    const api = await startTestApi();
    try {
      const install = await createTestInstall(api);
      const zip = await sampleBundle({ installId: install.installId, collectedAt: minutesAgo(16), queryTypes: FILES, devices: 12 });
      const c = clients();
      // The first file's commit goes through; the second file's fails once.
      const faults = injectFaults(c, [{ command: 'TransactWriteItemsCommand', after: 1 }]);
      const failed = await postBundle(api, install.apiKey, zip).finally(faults.remove);
      expect(failed.status).toBe(500);
      expect(failed.body.code).toBe('internal');
      expect(faults.calls.TransactWriteItemsCommand).toBe(2);

      const retried = await postBundle(api, install.apiKey, zip);
      expect(retried.status).toBe(201);
      expect(retried.body.results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'accepted']);
      const receipts = await receiptsOf(c, retried.body);
      await expectExactlyOnce(c, install.installId, receipts);
    } finally {
      await api.close();
    }
  });
});
