/**
 * Why an install refused a write conditioned on it (store/installs.ts installRefusal), from the
 * item a cancelled transaction returns: a purge's mark or its absence first, then retirement,
 * and the usage-collection flag only when it is off.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import { installRefusal } from '../../functions/store/installs.js';

const install = { PK: 'INSTALL#i', SK: 'INSTALL', status: 'active', usageCollectionEnabled: true };
const returned = (item: Record<string, unknown>) => marshall(item) as Record<string, unknown>;

it.each([
  ['no item: gone', undefined, 'gone'],
  ['marked by a purge', { ...install, deleting: true, status: 'decommissioned', usageCollectionEnabled: false }, 'gone'],
  ['decommissioned', { ...install, status: 'decommissioned', usageCollectionEnabled: false }, 'decommissioned'],
  ['usage collection off', { ...install, usageCollectionEnabled: false }, 'usage-collection-disabled'],
  ['nothing that explains it: gone, never a 403', install, 'gone'],
] as const)('%s', (_name, item, reason) => {
  expect(installRefusal(item ? returned(item) : undefined)).toBe(reason);
});
