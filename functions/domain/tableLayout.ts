/**
 * The one DynamoDB table's keys and indexes, as data: the attribute names the item keys of
 * domain/storageKeys.ts are written under. The table itself (its key schema and GSIs, for the
 * CDK stack and the local emulator set-up) is built from this in store/tableDefinition.ts.
 * Item layout: docs/storage.md.
 */

export interface IndexDefinition {
  indexName: string;
  partitionKey: string;
  sortKey: string;
}

/**
 * The table's two global secondary indexes, each shared by several of the indexes below
 * (overloaded, in single-table design's terms). No item carries more than one index's keys
 * in the same GSI, and each index's partition values have a prefix of their own
 * (`INSTALL#…`, `CUSTOMER#…`, `EXPIRING`, `INSTALLS`, `DUPLICATES`, `VERSIONS`, `USAGE#…`,
 * `COMPLIANCE`, `INSTALL_NAMES`, `CUSTOMERS`, `STAFF_KEYS`, `AUDIT_ACTOR#…`, `AUDIT_TARGET#…`:
 * domain/storageKeys.ts), so a query of one partition reads exactly one index's entries.
 * DynamoDB writes an index entry only for items that carry its keys, so this costs nothing
 * there; DynamoDB Local works through every GSI of the table on every write, and with one
 * GSI per index (seven) an upload's commit cost its JVM much more (figures: docs/storage.md).
 */
const GSI1 = { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' } as const;
const GSI2 = { indexName: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' } as const;

export const table = {
  partitionKey: 'PK',
  sortKey: 'SK',
  /** Epoch seconds; DynamoDB deletes the item after it (pending upload sessions, etc.). */
  timeToLiveAttribute: 'expiresAt',
  indexes: {
    // Which GSI: an upload log entry is in both upload indexes, a latest summary in byCustomer
    // and expiringByDate, an install item in byCustomer and installsByLastSeen.
    /** Accepted uploads of one install, newest first. */
    uploadsByInstall: GSI1,
    /** Accepted uploads of one install and query type, newest first. */
    uploadsByInstallQuery: GSI2,
    /** A customer's installs and their latest license-state, licensing-count and user-count summaries. */
    byCustomer: GSI1,
    /** Latest license-state snapshots that have licensed records with an unlicensedOn, by their first such date. */
    expiringByDate: GSI2,
    /** Every install by the time of its last accepted upload (never: first). */
    installsByLastSeen: GSI2,
    /** Device identifiers (ARID, hardware id, serial number) held by more than one install. */
    duplicateIdentifiers: GSI1,
    /** Each install's device count by device type and software version. */
    versionsByInstall: GSI2,
    /** The item counts of a customer's licensing-counts snapshots by collectedAt: its usage history. */
    usageByCustomer: GSI1,
    /** Customers with entitlements or licensing-counts usage: entitlements and latest licensing-counts summaries. */
    complianceCustomers: GSI2,
    // Staff operations (DESIGN.md §10–11): items of their own, each in one GSI, so an upload
    // writes nothing more. An install's directory entry is its own item (the install item's
    // two GSIs are taken), a customer item lists the customers, and an audit entry is in both.
    /** Every install's directory entry by customerId, then name (GET /v1/installs). */
    installsByName: GSI1,
    /** Every customer with a registered install, by customerId (GET /v1/customers). */
    customers: GSI1,
    /** Every staff key by creation (GET /v1/staff-keys). */
    staffKeys: GSI1,
    /** Audit entries of one actor, newest first. */
    auditByActor: GSI1,
    /** Audit entries of one target, newest first. */
    auditByTarget: GSI2,
  },
} as const satisfies {
  partitionKey: string;
  sortKey: string;
  timeToLiveAttribute: string;
  indexes: Record<string, IndexDefinition>;
};
