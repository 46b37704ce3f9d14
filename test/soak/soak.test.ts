/**
 * A small soak in the test suite (the full one is `npm run soak`): installs uploading all
 * twelve types with repeats, conflicts and simultaneous copies, reconciled against storage
 * and the API; then the same under random S3 and DynamoDB faults, which the client retries.
 * Nothing acknowledged may be lost, nothing stored or shown twice or unacknowledged.
 */
import { createClients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { isSameKeyTwin, planInstall, resultLine, runSoak, type SoakResult } from '../../scripts/soak/run.js';
import { captureOutput } from '../support/captureOutput.js';
import { injectRandomFaults } from '../support/faultSteps.js';
import { clients, startTestApi, staffKey, type TestApi } from '../support/localApi.js';

let api: TestApi;
// The soak reads storage through clients of its own: faults go into the server's only.
const storage = createClients(storageConfig());
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  destroyClients(storage);
  await api.close();
});

/** The soak's own deadline; each test's jest timeout is longer, so the soak reports rather than being cut off. */
const SOAK_DEADLINE_MS = 90_000;
const JEST_TIMEOUT_MS = SOAK_DEADLINE_MS + 60_000;

const soak = (seed: string, installs: number, uploadsPerInstall: number) =>
  runSoak({ url: api.url, staffKey: staffKey(), clients: storage, installs, uploadsPerInstall, concurrency: 4, deadline: Date.now() + SOAK_DEADLINE_MS, checkEachReceipt: true, seed });

/** The first seed (from `base`) whose plan sends at least `wanted` same-key twins: the plan is a function of the seed. */
function seedWithSameKeyTwins(base: string, installs: number, uploadsPerInstall: number, wanted: number): string {
  for (let n = 0; ; n++) {
    const seed = `${base}-${n}`;
    const twins = Array.from({ length: installs }, (_, i) => planInstall(i, uploadsPerInstall, Date.now(), seed).filter(isSameKeyTwin).length).reduce((a, b) => a + b, 0);
    if (twins >= wanted) return seed;
  }
}

function expectZeroLoss(result: SoakResult): void {
  expect({ line: resultLine(result), details: result.details.slice(0, 10) }).toEqual({ line: expect.stringMatching(/, lost 0, double-counted 0$/), details: [] });
  expect(result.timedOut).toBe(false);
  expect(result.unexpected).toBe(0);
  expect(result.uploadsSent).toBe(result.uploadsPlanned);
}

it('5 installs × 10 uploads, identical copies racing on one key among them: every acknowledged snapshot stored and shown exactly once, nothing retried', async () => {
  const result = await soak(seedWithSameKeyTwins(`small-${process.pid}`, 5, 10, 2), 5, 10);
  expectZeroLoss(result);
  // Without faults nothing may need a retry: a 5xx the client retried away would hide a defect.
  expect({ retries: result.retries, reasons: result.retryReasons }).toEqual({ retries: 0, reasons: {} });
  expect(result.sameKeyTwins).toBeGreaterThanOrEqual(2);
  expect(result.accepted).toBeGreaterThan(20);
  expect(result.duplicates + result.conflicts).toBeGreaterThan(0);
  expect(result.accepted + result.duplicates + result.conflicts).toBe(50);
  expect(result.orphans).toBe(0);
}, JEST_TIMEOUT_MS);

it('the same with 3% of S3 and DynamoDB calls failing, before or after they reach the service', async () => {
  const faults = injectRandomFaults(clients(), { rate: 0.03, seed: 42 });
  // The local API logs each failure it answers with a 500; expected here.
  const quiet = captureOutput();
  try {
    const result = await soak(`faulty-${process.pid}`, 4, 10);
    expect(faults.injected()).toBeGreaterThan(0);
    expect(result.retries).toBeGreaterThan(0);
    expectZeroLoss(result);
  } finally {
    quiet.restore();
    faults.remove();
  }
}, JEST_TIMEOUT_MS);
