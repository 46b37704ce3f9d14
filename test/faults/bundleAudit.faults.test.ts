/**
 * A staff bundle's ONE audit entry commits inside each accepted file's own transaction
 * (DESIGN.md §11; functions/store/audit.ts bundleAuditItems): no file without the entry, the
 * entry lists exactly the committed files, and a retried or repeated bundle adds to that one
 * entry and counts no file twice. Faults are injected into the real DynamoDB Local.
 */
import { directBundleLimits } from '../../functions/bundles/limits.js';
import { zipFromBuffer } from '../../functions/bundles/zipReader.js';
import type { AuditEntry } from '../../functions/domain/audit.js';
import { type QueryType, queryTypes } from '../../functions/domain/queries/index.js';
import { ingestBundle } from '../../functions/services/bundles.js';
import { BUNDLE_RETRY_WINDOW_MS, listAudit } from '../../functions/store/audit.js';
import { createClients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { createInstall } from '../../functions/store/installs.js';
import { sampleBundle } from '../support/bundles.js';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { itemKeys } from '../../functions/domain/storageKeys.js';
import { injectFaults } from '../support/faults.js';
import { interceptSdkCalls } from '../support/sdkCalls.js';
import { minutesAgo } from '../support/time.js';

const c = createClients(storageConfig());
afterAll(() => destroyClients(c));

// In the bundle in this order; the entry lists them in the contract's (licensing-counts, probes, user-counts).
const types: QueryType[] = ['user-counts', 'licensing-counts', 'probes'];
const inContractOrder = (some: readonly QueryType[]) => queryTypes.filter((t) => some.includes(t));

async function bundleOf(): Promise<{ installId: string; zip: Buffer }> {
  const { install } = await createInstall(c, { customerId: `bundle-audit-${process.pid}`, name: 'Bundled' }, new Date(), 'tester');
  return { installId: install.installId, zip: await sampleBundle({ installId: install.installId, collectedAt: minutesAgo(30), queryTypes: types }) };
}

const send = (zip: Buffer, actor: string | undefined, now = new Date()) =>
  ingestBundle(c, { zip: zipFromBuffer(zip), uploaderInstallId: undefined, now, limits: directBundleLimits, auditActor: actor });

async function bundleEntries(installId: string): Promise<AuditEntry[]> {
  return (await listAudit(c, { target: `install/${installId}` }, { limit: 100 })).items.filter((e) => e.action === 'bundle.upload');
}

it.each([
  ['fails before it reaches DynamoDB', false, types.slice(0, 1)],
  ['commits, but its answer is lost', true, types.slice(0, 2)],
] as const)("the second file's transaction %s: the entry lists exactly the committed files, and the retry completes that one entry", async (_case, afterSend, committed) => {
  const { installId, zip } = await bundleOf();
  const actor = `faulted-${afterSend}-${process.pid}`;
  const faults = injectFaults(c, [{ command: 'TransactWriteItemsCommand', after: 1, afterSend }]);
  await expect(send(zip, actor)).rejects.toThrow(/injected/);
  faults.remove();
  const [first, ...others] = await bundleEntries(installId);
  expect(others).toEqual([]);
  expect(first).toMatchObject({ actor, action: 'bundle.upload', target: `install/${installId}`, details: { bundleId: expect.any(String), accepted: inContractOrder(committed) } });

  // The client retries the whole bundle: the committed files are duplicates, the rest commit,
  // and the same entry (same `at`) lists them all.
  const retried = await send(zip, actor);
  expect(retried.results.map((r) => r.status)).toEqual(types.map((t) => (committed.includes(t) ? 'duplicate' : 'accepted')));
  const after = await bundleEntries(installId);
  expect(after).toEqual([{ ...first, details: { bundleId: retried.bundleId, accepted: inContractOrder(types) } }]);
});

it('a bundle sent again counts no file twice and writes no second entry', async () => {
  const { installId, zip } = await bundleOf();
  const actor = `repeat-${process.pid}`;
  const sent = await send(zip, actor);
  expect(sent.results.every((r) => r.status === 'accepted')).toBe(true);
  const entries = await bundleEntries(installId);
  expect(entries).toEqual([{ at: expect.any(String), actor, action: 'bundle.upload', target: `install/${installId}`, details: { bundleId: sent.bundleId, accepted: inContractOrder(types) } }]);
  const again = await send(zip, actor);
  expect(again.results.every((r) => r.status === 'duplicate')).toBe(true);
  expect(await bundleEntries(installId)).toEqual(entries);
});

it("a bundle none of whose files commits writes no entry; an install's own bundle none", async () => {
  const { installId, zip } = await bundleOf();
  const faults = injectFaults(c, [{ command: 'TransactWriteItemsCommand' }]);
  await expect(send(zip, `nothing-${process.pid}`)).rejects.toThrow(/injected/);
  faults.remove();
  expect(await bundleEntries(installId)).toEqual([]);
  // Without an actor (an install's own bundle, services/bundles.ts), the files commit and nothing is audited.
  const own = await send(zip, undefined);
  expect(own.results.every((r) => r.status === 'accepted')).toBe(true);
  expect(await bundleEntries(installId)).toEqual([]);
});

it('a copy of the same bundle that began the entry under another time meanwhile: the file is refused with a conflict to send again, never a 500', async () => {
  const { installId, zip } = await bundleOf();
  const actor = `racing-${process.pid}`;
  let transactions = 0;
  let bundleId = '';
  // Before the second file's commit, a racing copy (same key, same bundle) takes the pointer under another `at`.
  const hook = interceptSdkCalls(c, async ({ command, input }, send) => {
    if (command === 'TransactWriteItemsCommand' && ++transactions === 2) {
      const pointer = (input as { TransactItems: { Put?: { Item: Record<string, unknown> } }[] }).TransactItems.find((i) => i.Put?.Item.type === 'bundleAudit');
      bundleId = String(pointer?.Put?.Item.SK).split('#')[1] ?? '';
      await c.ddb.send(new PutCommand({ TableName: c.config.tableName, Item: { ...itemKeys.bundleAudit(installId, bundleId, actor), type: 'bundleAudit', at: new Date(Date.now() - 60_000).toISOString() } }));
    }
    return send();
  });
  const sent = await send(zip, actor).finally(() => hook.remove());
  expect(sent.results.map((r) => r.status)).toEqual(['accepted', 'rejected', 'rejected']);
  expect(sent.results[1]?.problem).toMatchObject({ status: 409, code: 'conflict' });
  expect(bundleId).toBe(sent.bundleId);
});

it('a copy sent after the retry window is a staff action of its own: a new entry, the first unchanged', async () => {
  const { installId, zip } = await bundleOf();
  const actor = `later-${process.pid}`;
  const faults = injectFaults(c, [{ command: 'TransactWriteItemsCommand', after: 1 }]);
  await expect(send(zip, actor, new Date(Date.now() - BUNDLE_RETRY_WINDOW_MS - 60_000))).rejects.toThrow(/injected/);
  faults.remove();
  const [first] = await bundleEntries(installId);
  expect(first?.details).toEqual({ bundleId: expect.any(String), accepted: inContractOrder(types.slice(0, 1)) });
  const later = await send(zip, actor);
  expect(later.results.map((r) => r.status)).toEqual(['duplicate', 'accepted', 'accepted']);
  const entries = await bundleEntries(installId);
  expect(entries).toHaveLength(2);
  expect(entries).toContainEqual(first);
  expect(entries.find((e) => e.at !== first?.at)?.details).toEqual({ bundleId: later.bundleId, accepted: inContractOrder(types.slice(1)) });
});
