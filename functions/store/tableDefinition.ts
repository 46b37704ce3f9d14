/**
 * The one DynamoDB table: its keys and indexes. The CDK stack and the local emulator set-up
 * both build the table from this definition, so they cannot drift apart.
 * Item layout: docs/storage.md.
 */

export interface IndexDefinition {
  indexName: string;
  partitionKey: string;
  sortKey: string;
}

export const table = {
  partitionKey: 'PK',
  sortKey: 'SK',
  /** Epoch seconds; DynamoDB deletes the item after it (pending upload sessions, etc.). */
  timeToLiveAttribute: 'expiresAt',
  indexes: {
    /** Accepted uploads of one install, newest first. */
    uploadsByInstall: { indexName: 'uploadsByInstall', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
    /** Accepted uploads of one install and query type, newest first. */
    uploadsByInstallQuery: { indexName: 'uploadsByInstallQuery', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
    /** A customer's installs and their latest license-state, licensing-count and user-count summaries. */
    byCustomer: { indexName: 'byCustomer', partitionKey: 'GSI3PK', sortKey: 'GSI3SK' },
    /** Latest license-state snapshots that have licensed records with an unlicensedOn, by their first such date. */
    expiringByDate: { indexName: 'expiringByDate', partitionKey: 'GSI4PK', sortKey: 'GSI4SK' },
    /** Every install by the time of its last accepted upload (never: first). */
    installsByLastSeen: { indexName: 'installsByLastSeen', partitionKey: 'GSI5PK', sortKey: 'GSI5SK' },
    /** Device identifiers (ARID, hardware id, serial number) held by more than one install. */
    duplicateIdentifiers: { indexName: 'duplicateIdentifiers', partitionKey: 'GSI6PK', sortKey: 'GSI6SK' },
    /** Each install's device count by device type and software version. */
    versionsByInstall: { indexName: 'versionsByInstall', partitionKey: 'GSI7PK', sortKey: 'GSI7SK' },
  },
} as const satisfies {
  partitionKey: string;
  sortKey: string;
  timeToLiveAttribute: string;
  indexes: Record<string, IndexDefinition>;
};

export const tableIndexes: readonly IndexDefinition[] = Object.values(table.indexes);

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
