/**
 * The index keys of domain/storageKeys.ts against the table definition: several indexes share
 * one GSI (store/tableDefinition.ts), so each item's keys must name its own index's attributes,
 * no item may carry two indexes' keys in one GSI, and no two indexes of one GSI may ever have a
 * partition value in common (a query of one would read the other's entries).
 */
import { customerIndexKeys, duplicateIndexKeys, expiringIndexKeys, lastSeenIndexKeys, uploadIndexKeys, versionIndexKeys } from '../../functions/domain/storageKeys.js';
import { table, tableIndexes } from '../../functions/store/tableDefinition.js';

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
  identifierHolders: { duplicateIdentifiers: duplicateIndexKeys('arid#x') },
  fleetState: { versionsByInstall: versionIndexKeys(installId) },
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
  // Each index's partitions: a fixed value, or a prefix followed by ids.
  const partitions: Record<IndexName, string> = {
    uploadsByInstall: `INSTALL#${installId}`,
    uploadsByInstallQuery: `INSTALL#${installId}#devices`,
    byCustomer: 'CUSTOMER#',
    expiringByDate: 'EXPIRING',
    installsByLastSeen: 'INSTALLS',
    duplicateIdentifiers: 'DUPLICATES',
    versionsByInstall: 'VERSIONS',
  };
  for (const gsi of tableIndexes) {
    const sharing = (Object.keys(partitions) as IndexName[]).filter((name) => table.indexes[name].indexName === gsi.indexName);
    for (const a of sharing) {
      for (const b of sharing) {
        if (a === b) continue;
        // No partition of one is a partition of another: the fixed values differ and neither prefix family can produce the other's values.
        const pa = partitions[a];
        const pb = partitions[b];
        expect({ a, b, overlap: pa === pb || (pa.endsWith('#') && pb.startsWith(pa)) }).toEqual({ a, b, overlap: false });
      }
    }
  }
  expect(tableIndexes.length).toBe(2);
});
