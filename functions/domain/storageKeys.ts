/**
 * Where things are stored: S3 object keys and DynamoDB item keys (layout in docs/storage.md).
 * Pure functions, shared by the handlers, the processor, the CLI and the tests.
 */
import type { QueryType } from './queries/index.js';
import { type IndexDefinition, table } from './tableLayout.js';

/**
 * The raw archive key of a snapshot, Hive-style for Athena/Glue partitions.
 * `install=` comes before `dt=` so that one install's objects share a prefix (opt-out
 * deletes them by prefix), and the file name is derived from collectedAt and the SHA-256 of
 * the archived (gzip) bytes, so a retried or racing upload of the same bytes writes the same
 * object, and the name can be known before the body is inflated.
 */
export function rawObjectKey(queryType: QueryType, installId: string, collectedAt: string, archiveSha256: string): string {
  return `${rawSnapshotPrefix(queryType, installId, collectedAt)}${archiveSha256.slice(0, 32)}.json.gz`;
}

/** Where every raw object of one snapshot's (install, query type, collectedAt) is named. */
function rawSnapshotPrefix(queryType: QueryType, installId: string, collectedAt: string): string {
  const day = collectedAt.slice(0, 10);
  const stamp = collectedAt.replace(/[-:]/g, '');
  return `${rawQueryPrefix(queryType, installId)}dt=${day}/${stamp}_`;
}

/** Whether a raw key (as the upload log holds it) names an object of this snapshot. */
export function isRawKeyOfSnapshot(key: string | undefined, queryType: QueryType, installId: string, collectedAt: string): key is string {
  return key?.startsWith(rawSnapshotPrefix(queryType, installId, collectedAt)) === true;
}

export function rawQueryPrefix(queryType: QueryType, installId: string): string {
  return `raw/query=${queryType}/install=${installId}/`;
}

const IDENTIFIER_BUCKET = 'IDBUCKET#';
const BUCKET_HOLDER = 'INSTALL#';
const BUCKET_DUPLICATE = 'DUPLICATE#';

export const itemKeys = {
  install: (installId: string) => ({ PK: `INSTALL#${installId}`, SK: 'INSTALL' }),
  apiKey: (keyHash: string) => ({ PK: `KEY#${keyHash}`, SK: 'KEY' }),
  upload: (uploadId: string) => ({ PK: `UPLOAD#${uploadId}`, SK: 'UPLOAD' }),
  snapshot: (installId: string, queryType: QueryType, collectedAt: string) => ({
    PK: `INSTALL#${installId}`,
    SK: `SNAPSHOT#${queryType}#${collectedAt}`,
  }),
  latest: (installId: string, queryType: QueryType) => ({ PK: `INSTALL#${installId}`, SK: `LATEST#${queryType}` }),
  /** One install's device identifiers (`<kind>#<value>`) that fall in one bucket (domain/fleetIndexes.ts identifierBucket). */
  bucketHolder: (bucket: number, installId: string) => ({ PK: `${IDENTIFIER_BUCKET}${bucket}`, SK: `${BUCKET_HOLDER}${installId}` }),
  /** An identifier of the bucket that two or more installs hold, and which (the duplicate-identifiers report). */
  duplicateIdentifier: (bucket: number, identifier: string) => ({ PK: `${IDENTIFIER_BUCKET}${bucket}`, SK: `${BUCKET_DUPLICATE}${identifier}` }),
  /** What the fleet indexes reflect of an install, and its version histogram. */
  fleetState: (installId: string) => ({ PK: `INSTALL#${installId}`, SK: 'FLEET' }),
  /** The item counts of an install's licensing-counts snapshot, in its customer's usage history (DESIGN.md §8). */
  usage: (installId: string, collectedAt: string) => ({ PK: `INSTALL#${installId}`, SK: `USAGE#${collectedAt}` }),
  /** An entitlement of a customer (DESIGN.md §8), under the customer. */
  entitlement: (customerId: string, entitlementId: string) => ({ PK: `CUSTOMER#${customerId}`, SK: `ENTITLEMENT#${entitlementId}` }),
  /** A license file in its install's partition, ordered by issue (newest last). */
  licenseFile: (installId: string, issuedAtMs: string, licenseFileId: string) => ({ PK: `INSTALL#${installId}`, SK: `LICENSE#${issuedAtMs}#${licenseFileId}` }),
  /** The same license file by its id (GET /v1/license-files/{licenseFileId}). */
  licenseFileById: (licenseFileId: string) => ({ PK: `LICENSEFILE#${licenseFileId}`, SK: 'LICENSEFILE' }),
  /** The fingerprint of the install's last issue request, for idempotent reissues. */
  licenseHead: (installId: string) => ({ PK: `INSTALL#${installId}`, SK: 'LICENSEHEAD' }),
  /** A public key that signed license files, and the latest expiry it signed (the JWKS). */
  signingKey: (kid: string) => ({ PK: SIGNING_KEYS_PARTITION, SK: `KEY#${kid}` }),
  /** An install's entry in the directory of installs by customer and name (GET /v1/installs). */
  installDirectory: (installId: string) => ({ PK: `INSTALL#${installId}`, SK: 'DIRECTORY' }),
  /** A customer with registered installs, and how many (GET /v1/customers). */
  customer: (customerId: string) => ({ PK: `CUSTOMER#${customerId}`, SK: 'CUSTOMER' }),
  /** A named staff key's record (its hash is in the KEY item, as for installs). */
  staffKey: (keyId: string) => ({ PK: `STAFFKEY#${keyId}`, SK: 'STAFFKEY' }),
  /** Holds an active staff key's name, so two active keys never share one. */
  staffKeyName: (name: string) => ({ PK: `STAFFKEYNAME#${name}`, SK: 'STAFFKEYNAME' }),
  /**
   * Where a staff bundle's audit entry is (its `at`), per bundle and actor, in the install's
   * partition (so the install purge takes it): a retried bundle adds to the same entry.
   */
  bundleAudit: (installId: string, bundleId: string, actor: string) => ({ PK: `INSTALL#${installId}`, SK: `BUNDLEAUDIT#${bundleId}#${actor}` }),
  /** An upload session's pointer in its install's partition: the purge finds the session's UPLOAD item through it, however the session settled. */
  sessionPointer: (installId: string, uploadId: string) => ({ PK: `INSTALL#${installId}`, SK: `${itemPrefixes.sessionPointers}${uploadId}` }),
  /** An audit entry: one partition, newest first by its sort key. */
  audit: (at: string, entryId: string) => ({ PK: AUDIT_PARTITION, SK: auditOrder(at, entryId) }),
};

/** One partition for the public keys of GET /.well-known/jwks.json. */
export const SIGNING_KEYS_PARTITION = 'SIGNINGKEYS';

/** The table partition of every audit entry (IAM denies deleting items of it: lib/handlerProfiles.ts). */
export const AUDIT_PARTITION = 'AUDIT';
/** Audit entries sort by time; the entry id keeps two of one millisecond apart. */
export function auditOrder(at: string, entryId: string): string {
  return `${at}#${entryId}`;
}

export const itemPrefixes = {
  snapshotsOf: (queryType: QueryType) => `SNAPSHOT#${queryType}#`,
  latest: 'LATEST#',
  entitlements: 'ENTITLEMENT#',
  licenseFiles: 'LICENSE#',
  /** An install's upload session pointers (itemKeys.sessionPointer). */
  sessionPointers: 'SESSION#',
  /** Within an identifier bucket: its holder items (the install id follows) and its duplicate items (the identifier follows). */
  bucketHolder: BUCKET_HOLDER,
  bucketDuplicate: BUCKET_DUPLICATE,
};

/** The partition of an identifier bucket (all its holder and duplicate items). */
export function identifierBucketPartition(bucket: number): string {
  return itemKeys.bucketHolder(bucket, '').PK;
}

/** The install whose item this partition key names (`INSTALL#<id>`), or undefined for any other partition. */
export function installOfPartition(partitionKey: string): string | undefined {
  const prefix = itemKeys.install('').PK;
  return partitionKey.startsWith(prefix) ? partitionKey.slice(prefix.length) : undefined;
}

/** An item's keys in one index (its GSI's key attributes: store/tableDefinition.ts). */
function indexKeys<I extends IndexDefinition>(index: I, partition: string, sort: string): Record<I['partitionKey'] | I['sortKey'], string> {
  return { [index.partitionKey]: partition, [index.sortKey]: sort } as Record<I['partitionKey'] | I['sortKey'], string>;
}

/** Index keys that list an install's accepted uploads newest first. */
export function uploadIndexKeys(installId: string, queryType: QueryType, receivedAt: string, uploadId: string) {
  const order = `${receivedAt}#${uploadId}`;
  return {
    ...indexKeys(table.indexes.uploadsByInstall, uploadIndexPartition(installId), order),
    ...indexKeys(table.indexes.uploadsByInstallQuery, uploadIndexPartition(installId, queryType), order),
  };
}

/** The partition of an install's uploads: all of them (uploadsByInstall), or those of one query type (uploadsByInstallQuery). */
export function uploadIndexPartition(installId: string, queryType?: QueryType): string {
  return queryType ? `INSTALL#${installId}#${queryType}` : `INSTALL#${installId}`;
}

/** The customer index: an install item and its roll-up summaries share the customer's partition. */
export function customerIndexKeys(customerId: string, installId: string, queryType?: QueryType) {
  return indexKeys(table.indexes.byCustomer, customerIndexPartition(customerId), queryType ? `INSTALL#${installId}#${queryType}` : `INSTALL#${installId}`);
}

export function customerIndexPartition(customerId: string): string {
  return `CUSTOMER#${customerId}`;
}

/** One partition for the expiring report: latest license-state snapshots by their first unlicensedOn. */
export const EXPIRING_PARTITION = 'EXPIRING';
export function expiringIndexKeys(firstUnlicensedOn: string, installId: string, queryType: QueryType) {
  return indexKeys(table.indexes.expiringByDate, EXPIRING_PARTITION, `${firstUnlicensedOn}#${installId}#${queryType}`);
}

/** One partition for the stale report: installs by last accepted upload; `0` (before any date) for never. */
export const INSTALLS_PARTITION = 'INSTALLS';
export const NEVER_SEEN = '0';
export function lastSeenIndexKeys(lastSeenAt: string | null, installId: string) {
  return indexKeys(table.indexes.installsByLastSeen, INSTALLS_PARTITION, `${lastSeenAt ?? NEVER_SEEN}#${installId}`);
}

export const DUPLICATES_PARTITION = 'DUPLICATES';
export function duplicateIndexKeys(identifier: string) {
  return indexKeys(table.indexes.duplicateIdentifiers, DUPLICATES_PARTITION, identifier);
}

export const VERSIONS_PARTITION = 'VERSIONS';
export function versionIndexKeys(installId: string) {
  return indexKeys(table.indexes.versionsByInstall, VERSIONS_PARTITION, installId);
}

/**
 * A customer's usage history: the usage items of its licensing-counts snapshots by collectedAt,
 * so compliance reads them with one Query of one partition.
 */
export function usageIndexKeys(customerId: string, collectedAt: string, installId: string) {
  return indexKeys(table.indexes.usageByCustomer, usageIndexPartition(customerId), `${collectedAt}#${installId}`);
}
export function usageIndexPartition(customerId: string): string {
  return `USAGE#${customerId}`;
}

/**
 * One partition for the over-deployment report: an entry per entitlement and per install with a
 * latest licensing-counts summary, sorted by customer (ids have no `#`), so the report reads
 * which customers to check without a scan.
 */
export const COMPLIANCE_PARTITION = 'COMPLIANCE';
export function complianceIndexKeys(customerId: string, of: { entitlementId: string } | { installId: string }) {
  const entry = 'entitlementId' in of ? `ENTITLEMENT#${of.entitlementId}` : `INSTALL#${of.installId}`;
  return indexKeys(table.indexes.complianceCustomers, COMPLIANCE_PARTITION, `${customerId}#${entry}`);
}
/** The customer of a complianceCustomers entry's sort key. */
export function customerOfComplianceEntry(sortKey: string): string {
  return sortKey.slice(0, sortKey.indexOf('#'));
}

/** One partition for the directory of installs: by customerId, then name, then installId. */
export const INSTALL_NAMES_PARTITION = 'INSTALL_NAMES';
/**
 * '#' sorts before every character of a customer id (A–Z a–z 0–9 . _ : -), so one customer's
 * installs come before those of any customer whose id it begins; U+0001 sorts before every
 * character a name may hold (names refuse control characters), so "ab" comes before "ab c".
 */
export const NAME_SEPARATOR = '\u0001';
export function installNameIndexKeys(customerId: string, name: string, installId: string) {
  return indexKeys(table.indexes.installsByName, INSTALL_NAMES_PARTITION, `${installNamePrefix(customerId)}${name}${NAME_SEPARATOR}${installId}`);
}
/** The sort-key prefix of one customer's directory entries. */
export function installNamePrefix(customerId: string): string {
  return `${customerId}#`;
}
/**
 * A sort key after every directory entry of `customerId` and before those of any later id:
 * `$` is the character after `#`, below every character of an id. BETWEEN the first
 * customer's prefix and the last one's end is a page of customers' installs.
 */
export function installNamesEnd(customerId: string): string {
  return `${customerId}$`;
}

/** One partition for the list of customers, by customerId. */
export const CUSTOMERS_PARTITION = 'CUSTOMERS';
export function customerListIndexKeys(customerId: string) {
  return indexKeys(table.indexes.customers, CUSTOMERS_PARTITION, customerId);
}

/** One partition for the staff keys, oldest first. */
export const STAFF_KEYS_PARTITION = 'STAFF_KEYS';
export function staffKeyIndexKeys(createdAt: string, keyId: string) {
  return indexKeys(table.indexes.staffKeys, STAFF_KEYS_PARTITION, `${createdAt}#${keyId}`);
}

/** An audit entry's place in its actor's and its target's partitions, newest first. */
export function auditIndexKeys(actor: string, target: string, at: string, entryId: string) {
  return {
    ...indexKeys(table.indexes.auditByActor, auditActorPartition(actor), auditOrder(at, entryId)),
    ...indexKeys(table.indexes.auditByTarget, auditTargetPartition(target), auditOrder(at, entryId)),
  };
}
export function auditActorPartition(actor: string): string {
  return `AUDIT_ACTOR#${actor}`;
}
export function auditTargetPartition(target: string): string {
  return `AUDIT_TARGET#${target}`;
}
