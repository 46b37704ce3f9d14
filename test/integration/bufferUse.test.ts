/**
 * Memory: no stage copies the inflated body more than once. Every Buffer allocation of at least
 * half the body's size during the handling of a large upload is counted. A gzip body is
 * inflated and parsed chunk by chunk, and the chunks are hashed after validation
 * (functions/domain/uploadJson.ts), so it never exists as one buffer at all; a plain one is used
 * as received.
 */
import { gzipSync } from 'node:zlib';
import { directUploadLimits } from '../../functions/domain/uploadBody.js';
import { acceptReceivedUpload } from '../../functions/services/acceptUpload.js';
import { createClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { createInstall } from '../../functions/store/installs.js';
import { sampleUpload as sample } from '../../functions/samples/sampleUploads.js';
import { minutesAgo } from '../support/time.js';

type Allocator = 'alloc' | 'allocUnsafe' | 'allocUnsafeSlow' | 'concat' | 'from';

/** Runs `work` while recording the sizes of large Buffer allocations made through the Buffer API. */
async function largeAllocations(threshold: number, work: () => Promise<unknown>): Promise<{ via: Allocator; bytes: number }[]> {
  const seen: { via: Allocator; bytes: number }[] = [];
  const originals = new Map<Allocator, (...args: never[]) => Buffer>();
  for (const name of ['alloc', 'allocUnsafe', 'allocUnsafeSlow', 'concat', 'from'] as const) {
    const original = Buffer[name] as unknown as (...args: never[]) => Buffer;
    originals.set(name, original);
    (Buffer as unknown as Record<string, unknown>)[name] = function (this: unknown, ...args: never[]) {
      const result = original.apply(Buffer, args);
      if (result.length >= threshold) seen.push({ via: name, bytes: result.length });
      return result;
    };
  }
  try {
    await work();
  } finally {
    for (const [name, original] of originals) (Buffer as unknown as Record<string, unknown>)[name] = original;
  }
  return seen;
}

it('handles a gzip upload without ever holding the inflated body in one buffer', async () => {
  const c = createClients(storageConfig());
  const { install } = await createInstall(c, { customerId: 'buffers', name: 'buffers' }, new Date());
  const json = Buffer.from(JSON.stringify(sample('devices', { devices: 20_000, collectedAt: minutesAgo(1) })));
  const sent = gzipSync(json);
  const allocations = await largeAllocations(json.length / 2, async () => {
    // As the upload handler does it: the archive sets off while the body is read.
    const outcome = await acceptReceivedUpload(c, { installId: install.installId, queryType: 'devices', sent, encoding: 'gzip', limits: directUploadLimits, now: new Date() });
    expect(outcome.status).toBe(201);
    expect(outcome.receipt.recordCount).toBe(20_000);
  });
  expect(allocations).toEqual([]);
});

it('handles a plain upload without any copy of the body', async () => {
  const c = createClients(storageConfig());
  const { install } = await createInstall(c, { customerId: 'buffers', name: 'buffers plain' }, new Date());
  const json = Buffer.from(JSON.stringify(sample('devices', { devices: 20_000, collectedAt: minutesAgo(1) })));
  const allocations = await largeAllocations(json.length / 2, async () => {
    await acceptReceivedUpload(c, { installId: install.installId, queryType: 'devices', sent: json, encoding: 'identity', limits: directUploadLimits, now: new Date() });
  });
  expect(allocations).toEqual([]);
});
