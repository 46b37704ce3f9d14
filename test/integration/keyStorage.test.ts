/**
 * API keys are stored only as their SHA-256 (README, docs/reliability.md): read from the table
 * itself, every item and attribute, after keys were issued the ways the service issues them
 * (registration, rotation, a staff key). No key, nor its secret part, may appear anywhere; each
 * key's hash must (else the check would pass on a table that lost them).
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { hashApiKey } from '../../functions/domain/apiKeys.js';
import { createInstall, rotateInstallKey } from '../../functions/store/installs.js';
import { createStaffKey } from '../../functions/store/staffKeys.js';
import { type Clients, createClients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';

let c: Clients;
beforeAll(() => {
  c = createClients(storageConfig());
});
afterAll(() => destroyClients(c));

/** Every string anywhere in the table: attribute values and names, nested ones too. */
async function everyStoredString(): Promise<string[]> {
  const strings: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    else if (value instanceof Uint8Array) strings.push(Buffer.from(value).toString('latin1'));
    else if (value instanceof Set) for (const v of value) walk(v);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        strings.push(k);
        walk(v);
      }
    }
  };
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await c.ddb.send(new ScanCommand({ TableName: c.config.tableName, ExclusiveStartKey }));
    for (const item of page.Items ?? []) walk(item);
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return strings;
}

it('the table holds every issued key as its SHA-256 only, never the key or its secret part', async () => {
  const { install, apiKey: first } = await createInstall(c, { customerId: 'key-storage', name: 'Key storage' }, new Date());
  const rotated = await rotateInstallKey(c, install.installId, new Date());
  const { apiKey: staff } = await createStaffKey(c, { name: `key-storage-${process.pid}` }, 'key-storage test', new Date());
  const keys = [first, rotated, staff];
  for (const key of keys) expect(key).toMatch(/^mpa[a-z]_[A-Za-z0-9_-]{20,}$/);

  const stored = await everyStoredString();
  const secretParts = keys.map((key) => key.slice(key.indexOf('_') + 1));
  const leaks = stored.filter((s) => keys.some((key) => s.includes(key)) || secretParts.some((part) => s.includes(part)));
  expect(leaks).toEqual([]);
  // The current keys' hashes are there (the rotated-away one is gone).
  const joined = stored.join('\n');
  expect([rotated, staff].map((key) => joined.includes(hashApiKey(key)))).toEqual([true, true]);
  expect(joined.includes(hashApiKey(first))).toBe(false);
});
