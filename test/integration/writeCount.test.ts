/** Writes per upload are a small constant, whatever the record count (DESIGN.md §6). */
import { acceptUpload } from '../../functions/services/acceptUpload.js';
import { createClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { createInstall } from '../../functions/store/installs.js';
import { minutesAgo, sample } from '../support/localApi.js';
import { injectFaults } from '../support/faults.js';

const WRITES = ['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand', 'PutObjectCommand'];

async function writesFor(devices: number): Promise<Record<string, number>> {
  const c = createClients(storageConfig());
  const { install } = await createInstall(c, { customerId: 'writes', name: `writes ${devices}` }, new Date());
  const { calls } = injectFaults(c, []);
  const json = Buffer.from(JSON.stringify(sample('devices', { devices, collectedAt: minutesAgo(1) })));
  const outcome = await acceptUpload(c, { installId: install.installId, queryType: 'devices', json, now: new Date() });
  expect(outcome.status).toBe(201);
  c.s3.destroy();
  return Object.fromEntries(Object.entries(calls).filter(([name]) => WRITES.includes(name)));
}

it('costs the same writes for 10 and 10,000 devices: one S3 object and one transaction', async () => {
  const small = await writesFor(10);
  const large = await writesFor(10_000);
  expect(small).toEqual({ PutObjectCommand: 1, TransactWriteItemsCommand: 1 });
  expect(large).toEqual(small);
});
