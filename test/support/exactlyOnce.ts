/**
 * Assertions for the fault-injection tests: a receipt is only ever given for durable data,
 * and in the end every acknowledged snapshot is stored exactly once and nothing else is
 * visible (the soak's reconciliation, scripts/soak/reconcile.ts, install by install).
 */
import type { QueryType } from '../../functions/domain/queries/index.js';
import type { Receipt } from '../../functions/domain/receipts.js';
import { sampleUpload } from '../../functions/samples/sampleUploads.js';
import { acceptUpload } from '../../functions/services/acceptUpload.js';
import type { Clients } from '../../functions/store/clients.js';
import { createInstall } from '../../functions/store/installs.js';
import { reconcileInstall } from '../../scripts/soak/reconcile.js';
import { missingForReceipt, readInstallState } from '../../scripts/soak/storedState.js';
import { plainUploadJson } from '../../functions/domain/uploadJson.js';

let installs = 0;

/** A registered install, straight in the store. */
export async function newInstall(c: Clients, label: string): Promise<string> {
  const { install } = await createInstall(c, { customerId: `faults-${process.pid}`, name: `${label} ${++installs}` }, new Date());
  return install.installId;
}

/** The JSON bytes of a sample upload. */
export function sampleJson(queryType: QueryType, collectedAt: string, devices = 12): Buffer {
  return Buffer.from(JSON.stringify(sampleUpload(queryType, { devices, collectedAt, seed: `${queryType}${collectedAt}` })));
}

/** Accepts a sample upload on healthy clients; checks that its receipt is durable at once. */
export async function acceptSample(c: Clients, installId: string, queryType: QueryType, collectedAt: string): Promise<Receipt> {
  const { receipt } = await acceptUpload(c, { installId, queryType, body: plainUploadJson(sampleJson(queryType, collectedAt)), now: new Date() });
  await expectDurable(c, receipt);
  return receipt;
}

/** The receipt's raw object and accepted log entry exist now. */
export async function expectDurable(c: Clients, receipt: Receipt): Promise<void> {
  expect({ receipt: receipt.uploadId, missing: await missingForReceipt(c, receipt) }).toEqual({ receipt: receipt.uploadId, missing: [] });
}

/**
 * Every acknowledged snapshot stored exactly once (raw object, log entry, snapshot item,
 * current summary where newest) and nothing unacknowledged visible. Orphan raw objects are
 * allowed only when `orphansAllowed` (a failure between the S3 write and a clean-up).
 */
export async function expectExactlyOnce(c: Clients, installId: string, receipts: readonly Receipt[], options: { orphansAllowed?: boolean } = {}) {
  const state = await readInstallState(c, installId);
  const result = reconcileInstall(receipts, state);
  expect({ lost: result.lost, doubleCounted: result.doubleCounted }).toEqual({ lost: [], doubleCounted: [] });
  if (!options.orphansAllowed) expect(result.orphans).toEqual([]);
  return state;
}
