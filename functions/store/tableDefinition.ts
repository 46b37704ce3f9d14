/**
 * The one DynamoDB table: its keys and indexes (domain/tableLayout.ts). The CDK stack and the
 * local emulator set-up both build the table from this definition, so they cannot drift apart.
 * Item layout: docs/storage.md.
 */

import { type IndexDefinition, table } from '../domain/tableLayout.js';

// The layout is pure data the domain's item keys need too (domain/storageKeys.ts): it lives there.
export { type IndexDefinition, table };

/** The GSIs themselves, each once. */
export const tableIndexes: readonly IndexDefinition[] = [...new Map(Object.values(table.indexes).map((index) => [index.indexName, index])).values()];

/** A key schema as DynamoDB's API and CloudFormation write it. */
export function keySchemaOf(keys: { partitionKey: string; sortKey: string }) {
  return [
    { AttributeName: keys.partitionKey, KeyType: 'HASH' as const },
    { AttributeName: keys.sortKey, KeyType: 'RANGE' as const },
  ];
}

/** The indexes as DynamoDB's API and CloudFormation write them (every attribute projected). */
export function globalSecondaryIndexes() {
  return tableIndexes.map((index) => ({ IndexName: index.indexName, KeySchema: keySchemaOf(index), Projection: { ProjectionType: 'ALL' as const } }));
}
