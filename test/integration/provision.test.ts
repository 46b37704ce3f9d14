/**
 * Provisioning the local storage (functions/local/provision.ts): the table is made from the
 * table definition, once; a table that an earlier version made with other indexes is refused
 * with a message that says what to do, not read as if it were this version's.
 */
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { OlderLayout, provisionStorage } from '../../functions/local/provision.js';
import { startScratchStorage, type ScratchStorage } from '../../functions/local/scratchStorage.js';
import { createClients, destroyClients, type Clients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { keySchemaOf, table, tableIndexes } from '../../functions/store/tableDefinition.js';

let storage: ScratchStorage;
let c: Clients;
beforeAll(async () => {
  storage = await startScratchStorage('provision');
  c = createClients(storageConfig());
}, 120_000);
afterAll(async () => {
  destroyClients(c);
  await storage.stop();
});

const withTable = (tableName: string): Clients => ({ ...c, config: { ...c.config, tableName } });

it('makes the table with the defined GSIs, each once, and leaves it as it is the second time', async () => {
  const fresh = withTable('mpa-licensing-provision-fresh');
  await provisionStorage(fresh);
  await provisionStorage(fresh);
  const { Table } = await c.ddb.send(new DescribeTableCommand({ TableName: 'mpa-licensing-provision-fresh' }));
  const indexes = (Table!.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName).sort();
  expect(indexes).toEqual(['GSI1', 'GSI2']);
  expect(indexes).toEqual(tableIndexes.map((index) => index.indexName).sort());
  // Every logical index is one of them.
  for (const index of Object.values(table.indexes)) expect(indexes).toContain(index.indexName);
});

it('refuses a table an earlier version made with its seven indexes, saying what to do', async () => {
  const TableName = 'mpa-licensing-provision-older';
  const older = ['uploadsByInstall', 'uploadsByInstallQuery', 'byCustomer', 'expiringByDate', 'installsByLastSeen', 'duplicateIdentifiers', 'versionsByInstall'];
  await c.ddb.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: keySchemaOf(table),
      AttributeDefinitions: ['PK', 'SK', ...older.flatMap((_, i) => [`GSI${i + 1}PK`, `GSI${i + 1}SK`])].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      GlobalSecondaryIndexes: older.map((IndexName, i) => ({
        IndexName,
        KeySchema: keySchemaOf({ partitionKey: `GSI${i + 1}PK`, sortKey: `GSI${i + 1}SK` }),
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );
  const provisioning = provisionStorage(withTable(TableName));
  await expect(provisioning).rejects.toBeInstanceOf(OlderLayout);
  await expect(provisioning).rejects.toThrow(/made by another version of the service\. Move the data directory \(DATA_DIR, by default \.data\/\) away, or delete it/);
});
