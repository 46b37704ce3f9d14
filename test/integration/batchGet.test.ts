/**
 * store/dynamo.ts batchGet on DynamoDB Local: every item of the keys once, past 100 keys a call,
 * a key given twice read once (DynamoDB refuses a call holding a key twice), only the projection.
 */
import { batchGet, batchWrite } from '../../functions/store/dynamo.js';
import { createClients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';

const c = createClients(storageConfig());
afterAll(() => destroyClients(c));

it('reads every item once, in calls of 100, a repeated key once, only the projection', async () => {
  const pk = `BATCH-GET#${process.pid}-${Date.now()}`;
  const keys = Array.from({ length: 230 }, (_, i) => ({ PK: pk, SK: String(i).padStart(3, '0') }));
  await batchWrite(c, keys.map((key, i) => ({ PutRequest: { Item: { ...key, n: i, other: 'x' } } })));
  // Every key of the first call twice, one key absent.
  const asked = [...keys, ...keys.slice(0, 100), { PK: pk, SK: 'absent' }];
  const items = await batchGet(c, asked, { projection: 'SK, n', inFlight: 2 });
  expect(items.map((item) => item.SK).sort()).toEqual(keys.map((key) => key.SK));
  expect(items.every((item) => Object.keys(item).sort().join() === 'SK,n')).toBe(true);
});
