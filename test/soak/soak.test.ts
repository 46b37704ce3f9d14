/**
 * A small soak in the test suite (the full one is `npm run soak`): installs uploading all
 * twelve types with repeats, conflicts and simultaneous copies, reconciled against storage
 * and the API; then the same under random S3 and DynamoDB faults, which the client retries.
 * Nothing acknowledged may be lost, nothing stored or shown twice or unacknowledged.
 */
import { createClients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { resultLine, runSoak, type SoakResult } from '../../scripts/soak/run.js';
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

const soak = (seed: string, installs: number, uploadsPerInstall: number) =>
  runSoak({ url: api.url, staffKey: staffKey(), clients: storage, installs, uploadsPerInstall, concurrency: 4, deadline: Date.now() + 90_000, checkEachReceipt: true, seed });

function expectZeroLoss(result: SoakResult): void {
  expect({ line: resultLine(result), details: result.details.slice(0, 10) }).toEqual({ line: expect.stringMatching(/, lost 0, double-counted 0$/), details: [] });
  expect(result.timedOut).toBe(false);
  expect(result.unexpected).toBe(0);
  expect(result.uploadsSent).toBe(result.uploadsPlanned);
}

it('5 installs × 10 uploads: every acknowledged snapshot stored and shown exactly once', async () => {
  const result = await soak(`small-${process.pid}`, 5, 10);
  expectZeroLoss(result);
  expect(result.accepted).toBeGreaterThan(20);
  expect(result.duplicates + result.conflicts).toBeGreaterThan(0);
  expect(result.accepted + result.duplicates + result.conflicts).toBe(50);
  expect(result.orphans).toBe(0);
});

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
});
