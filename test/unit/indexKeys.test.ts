/**
 * The index keys of domain/storageKeys.ts against the table definition: several indexes share
 * one GSI (store/tableDefinition.ts), so each item's keys must name its own index's attributes,
 * no item may carry two indexes' keys in one GSI, and no two indexes of one GSI may ever have a
 * partition value in common (a query of one would read the other's entries).
 */
import {
  COMPLIANCE_PARTITION,
  complianceIndexKeys,
  customerIndexKeys,
  customerIndexPartition,
  DUPLICATES_PARTITION,
  duplicateIndexKeys,
  EXPIRING_PARTITION,
  expiringIndexKeys,
  INSTALLS_PARTITION,
  lastSeenIndexKeys,
  uploadIndexKeys,
  uploadIndexPartition,
  usageIndexKeys,
  usageIndexPartition,
  VERSIONS_PARTITION,
  versionIndexKeys,
  auditActorPartition,
  auditIndexKeys,
  auditTargetPartition,
  CUSTOMERS_PARTITION,
  customerListIndexKeys,
  INSTALL_NAMES_PARTITION,
  installNameIndexKeys,
  installNamePrefix,
  installNamesEnd,
  STAFF_KEYS_PARTITION,
  staffKeyIndexKeys,
} from '../../functions/domain/storageKeys.js';
import { CUSTOMER_ID } from '../../functions/domain/identifierPatterns.js';
import { table, tableIndexes } from '../../functions/store/tableDefinition.js';
import fc from 'fast-check';

type IndexName = keyof typeof table.indexes;
const installId = '4a8e4d54-5a53-4b8a-9a57-0d0f35bb6e4f';

/** Every index's keys, as the item kinds that carry them write them. */
const keysByItem: Record<string, Partial<Record<IndexName, Record<string, string>>>> = {
  upload: {
    uploadsByInstall: pick(uploadIndexKeys(installId, 'devices', '2026-11-29T10:00:00.000Z', 'u'), 'uploadsByInstall'),
    uploadsByInstallQuery: pick(uploadIndexKeys(installId, 'devices', '2026-11-29T10:00:00.000Z', 'u'), 'uploadsByInstallQuery'),
  },
  latest: { byCustomer: customerIndexKeys('customer', installId, 'devices'), expiringByDate: expiringIndexKeys('2026-12-01', installId, 'device-license-states') },
  install: { byCustomer: customerIndexKeys('customer', installId), installsByLastSeen: lastSeenIndexKeys(null, installId) },
  duplicateIdentifier: { duplicateIdentifiers: duplicateIndexKeys('arid#x') },
  fleetState: { versionsByInstall: versionIndexKeys(installId) },
  // A licensing-counts latest summary is never a license-state one (expiringByDate).
  latestLicensingCounts: { byCustomer: customerIndexKeys('customer', installId, 'licensing-counts'), complianceCustomers: complianceIndexKeys('customer', { installId }) },
  usage: { usageByCustomer: usageIndexKeys('customer', '2026-11-29T10:00:00.000Z', installId) },
  entitlement: { complianceCustomers: complianceIndexKeys('customer', { entitlementId: 'order-1.2' }) },
  directory: { installsByName: installNameIndexKeys('customer', 'Acme HQ', installId) },
  customer: { customers: customerListIndexKeys('customer') },
  staffKey: { staffKeys: staffKeyIndexKeys('2026-11-29T10:00:00.000Z', installId) },
  audit: {
    auditByActor: pick(auditIndexKeys('jane@example.com', `install/${installId}`, '2026-11-29T10:00:00.000Z', 'e'), 'auditByActor'),
    auditByTarget: pick(auditIndexKeys('jane@example.com', `install/${installId}`, '2026-11-29T10:00:00.000Z', 'e'), 'auditByTarget'),
  },
};

function pick(keys: Record<string, string>, index: IndexName): Record<string, string> {
  const { partitionKey, sortKey } = table.indexes[index];
  return { [partitionKey]: keys[partitionKey as keyof typeof keys]!, [sortKey]: keys[sortKey as keyof typeof keys]! };
}

it('names exactly its own index attributes, for every index', () => {
  const covered = new Set<string>();
  for (const indexes of Object.values(keysByItem)) {
    for (const [name, keys] of Object.entries(indexes) as [IndexName, Record<string, string>][]) {
      const { partitionKey, sortKey } = table.indexes[name];
      expect(Object.keys(keys).sort()).toEqual([partitionKey, sortKey].sort());
      covered.add(name);
    }
  }
  expect([...covered].sort()).toEqual(Object.keys(table.indexes).sort());
});

it('puts no item into one GSI twice', () => {
  for (const [item, indexes] of Object.entries(keysByItem)) {
    const gsis = Object.keys(indexes).map((name) => table.indexes[name as IndexName].indexName);
    expect({ item, gsis: new Set(gsis).size }).toEqual({ item, gsis: gsis.length });
  }
});

it('gives the indexes that share a GSI partition values of their own', () => {
  // Every partition value each index can have (ids never hold '#': UUIDs, customer ids of A–Z a–z 0–9 . _ : -).
  const partitionsOf: Record<IndexName, RegExp> = {
    uploadsByInstall: /^INSTALL#[^#]+$/,
    uploadsByInstallQuery: /^INSTALL#[^#]+#[a-z-]+$/,
    byCustomer: /^CUSTOMER#[^#]+$/,
    expiringByDate: /^EXPIRING$/,
    installsByLastSeen: /^INSTALLS$/,
    duplicateIdentifiers: /^DUPLICATES$/,
    versionsByInstall: /^VERSIONS$/,
    usageByCustomer: /^USAGE#[^#]+$/,
    complianceCustomers: /^COMPLIANCE$/,
    installsByName: /^INSTALL_NAMES$/,
    customers: /^CUSTOMERS$/,
    staffKeys: /^STAFF_KEYS$/,
    auditByActor: /^AUDIT_ACTOR#.+$/,
    auditByTarget: /^AUDIT_TARGET#.+$/,
  };
  // What the key functions write matches its own pattern …
  const written: Record<IndexName, string> = {
    uploadsByInstall: uploadIndexPartition(installId),
    uploadsByInstallQuery: uploadIndexPartition(installId, 'device-license-states'),
    byCustomer: customerIndexPartition('customer.1:a_b-c'),
    expiringByDate: EXPIRING_PARTITION,
    installsByLastSeen: INSTALLS_PARTITION,
    duplicateIdentifiers: DUPLICATES_PARTITION,
    versionsByInstall: VERSIONS_PARTITION,
    usageByCustomer: usageIndexPartition('customer.1:a_b-c'),
    complianceCustomers: COMPLIANCE_PARTITION,
    installsByName: INSTALL_NAMES_PARTITION,
    customers: CUSTOMERS_PARTITION,
    staffKeys: STAFF_KEYS_PARTITION,
    auditByActor: auditActorPartition('jane@example.com'),
    auditByTarget: auditTargetPartition('install/x'),
  };
  for (const name of Object.keys(partitionsOf) as IndexName[]) {
    expect({ name, matches: partitionsOf[name].test(written[name]) }).toEqual({ name, matches: true });
    const keys = Object.values(keysByItem).find((indexes) => indexes[name])![name]!;
    expect({ name, matches: partitionsOf[name].test(keys[table.indexes[name].partitionKey]!) }).toEqual({ name, matches: true });
  }
  // … and no value of one index sharing a GSI is a value of another.
  for (const gsi of tableIndexes) {
    const sharing = (Object.keys(partitionsOf) as IndexName[]).filter((name) => table.indexes[name].indexName === gsi.indexName);
    for (const a of sharing) {
      for (const b of sharing) {
        if (a !== b) expect({ a, b, overlap: partitionsOf[b].test(written[a]) }).toEqual({ a, b, overlap: false });
      }
    }
  }
  expect(tableIndexes.length).toBe(2);
});

it('shares a GSI only between indexes with the same key attributes', () => {
  for (const gsi of tableIndexes) {
    for (const index of Object.values(table.indexes).filter((i) => i.indexName === gsi.indexName)) expect(index).toEqual(gsi);
  }
});

it('orders the directory by customer id: a run of ids is one range of it, from the first prefix to the last end', () => {
  // The range read of the customer listing (store/directory.ts) holds only while no id character sorts at or below `$`.
  for (let code = 0; code <= '$'.charCodeAt(0); code++) expect(CUSTOMER_ID.test(`a${String.fromCharCode(code)}`)).toBe(false);
  const id = fc.stringMatching(/^[A-Za-z0-9._:-]{1,6}$/);
  const name = fc.string({ minLength: 1, maxLength: 4 }).filter((n) => !/[\u0000-\u001f]/.test(n));
  fc.assert(
    fc.property(fc.uniqueArray(id, { minLength: 2, maxLength: 6 }), name, (ids, installName) => {
      const sorted = [...ids].sort();
      const key = (customerId: string) => installNameIndexKeys(customerId, installName, 'i')[table.indexes.installsByName.sortKey];
      for (const [i, customerId] of sorted.entries()) {
        const inRange = (other: string) => installNamePrefix(sorted[0] as string) <= key(other) && key(other) <= installNamesEnd(sorted[i] as string);
        // Every id up to this one is in the range from the first; every later id is not.
        for (const [j, other] of sorted.entries()) expect(inRange(other)).toBe(j <= i);
        expect(installNamePrefix(customerId) < installNamesEnd(customerId)).toBe(true);
      }
    }),
  );
});
