/**
 * A key item written straight into the table (a peer that reached the emulator, or a bug) grants
 * only the exact role it names: `staff`, or `install` with its install. Any other role, a
 * missing one, or an install key without its install is refused, never taken for staff.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { authenticate } from '../../functions/auth/authenticate.js';
import { generateApiKey, hashApiKey } from '../../functions/domain/apiKeys.js';
import { itemKeys } from '../../functions/domain/storageKeys.js';
import { createClients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';

const clients = createClients(storageConfig());
afterAll(() => destroyClients(clients));
const env = {} as NodeJS.ProcessEnv;

/** A key whose table item is `item` (beside its keys), and what authenticating with it gives. */
async function plant(item: Record<string, unknown>, kind: 'install' | 'staff' = 'staff') {
  const key = generateApiKey(kind);
  await clients.ddb.send(new PutCommand({ TableName: clients.config.tableName, Item: { ...itemKeys.apiKey(hashApiKey(key)), type: 'key', ...item } }));
  return authenticate(clients, `Bearer ${key}`, env);
}

it.each([
  ['admin', { role: 'admin' }],
  ['Staff', { role: 'Staff' }],
  ['staff ', { role: 'staff ' }],
  ['no role', {}],
  ['a number', { role: 1 }],
  ['a list', { role: ['staff'] }],
  ['__proto__', { role: '__proto__' }],
  ['install without its install', { role: 'install' }],
  ['install with an empty install', { role: 'install', installId: '' }],
  ['install with a numeric install', { role: 'install', installId: 7 }],
])('refuses a key item whose role is %s', async (_label, item) => {
  expect(await plant(item)).toBeUndefined();
});

it('admits the exact roles', async () => {
  // A staff key item without a name (one made before staff keys were named) acts as local-admin.
  expect(await plant({ role: 'staff' })).toEqual({ role: 'staff', name: 'local-admin' });
  expect(await plant({ role: 'install', installId: 'i-1', customerId: 'c-1' }, 'install')).toEqual({ role: 'install', installId: 'i-1', customerId: 'c-1' });
});
