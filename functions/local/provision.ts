/** Creates the table and buckets on the emulators if they do not exist yet (idempotent). */
import { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import type { Clients } from '../store/clients.js';
import { globalSecondaryIndexes, keySchemaOf, table, tableIndexes } from '../store/tableDefinition.js';
import { s3Of } from '../store/s3Client.js';

export async function provisionStorage(c: Clients): Promise<void> {
  await ensureTable(c);
  for (const bucket of new Set([c.config.rawBucket, c.config.incomingBucket])) await ensureBucket(c, bucket);
}

async function ensureTable(c: Clients): Promise<void> {
  const TableName = c.config.tableName;
  const existing = await c.ddb.send(new DescribeTableCommand({ TableName })).catch((error: unknown) => {
    if (error instanceof ResourceNotFoundException || (error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  });
  if (existing) {
    checkIndexes(TableName, (existing.Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName ?? ''));
    return;
  }
  const attributes = new Set<string>([table.partitionKey, table.sortKey, ...tableIndexes.flatMap((i) => [i.partitionKey, i.sortKey])]);
  await c.ddb.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attributes].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      KeySchema: keySchemaOf(table),
      GlobalSecondaryIndexes: globalSecondaryIndexes(),
    }),
  );
  await c.ddb.send(
    new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true } }),
  );
}

/** A table made by an earlier version of the service, whose indexes are not this one's. */
export class OlderLayout extends Error {}

/**
 * The local data must have this version's indexes: data kept in the data directory (DATA_DIR) by a version
 * with other ones (before 2026-11-29: seven GSIs, one per index) cannot be read by this one.
 */
function checkIndexes(tableName: string, found: string[]): void {
  const expected = tableIndexes.map((index) => index.indexName).sort();
  const actual = [...found].sort();
  if (expected.join() === actual.join()) return;
  throw new OlderLayout(
    `The local table ${tableName} has the indexes ${actual.join(', ') || '(none)'}, not ${expected.join(', ')}: ` +
      'it was made by another version of the service. Move the data directory (DATA_DIR, by default .data/) away, or delete it, and start again.',
  );
}

async function ensureBucket(c: Clients, Bucket: string): Promise<void> {
  try {
    await s3Of(c).send(new HeadBucketCommand({ Bucket }));
  } catch {
    await s3Of(c).send(new CreateBucketCommand({ Bucket }));
  }
}
