/**
 * License files and the public keys that signed them (DynamoDB items LICENSE, LICENSEFILE,
 * LICENSEHEAD and SIGNINGKEYS; docs/storage.md). A file is stored by one transaction: the
 * file in its install's partition (listing, newest), the same file by id, the install's head
 * (the fingerprint of the request that made it, so identical requests, even racing ones, give
 * one file) and the audit entry.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AuditEntry } from '../domain/audit.js';
import type { Ed25519PublicJwk, LicenseFile, PublishedJwk } from '../domain/licenseFiles.js';
import { publishedJwk } from '../domain/licenseFiles.js';
import { encodeCursor } from '../domain/listCursors.js';
import { itemKeys, itemPrefixes, SIGNING_KEYS_PARTITION } from '../domain/storageKeys.js';
import { auditPut } from './audit.js';
import type { Clients } from './clients.js';
import { cancellationReasons, isConditionFailure, sleep } from './dynamo.js';
import { installActiveCheck, installRefusal } from './installs.js';
import { baseTable, type Page, queryAll, queryPage } from './indexQueries.js';

/** The head of an install's license files: what its newest issue request was. */
export interface LicenseHead {
  fingerprint: string;
  licenseFileId: string;
  expiresAt: string;
}

/** A list page is cut short before its body could outgrow a Lambda response (6 MB). */
const MAX_PAGE_JSON_BYTES = 4 * 1024 * 1024;

/** Files are kept as JSON text: key order survives, as for summaries. */
const toLicenseFile = (item: Record<string, unknown>): LicenseFile => JSON.parse(item.fileJson as string) as LicenseFile;

export async function getLicenseHead(c: Clients, installId: string): Promise<LicenseHead | undefined> {
  const { Item } = await c.ddb.send(new GetCommand({ TableName: c.config.tableName, Key: itemKeys.licenseHead(installId), ConsistentRead: true }));
  return Item ? { fingerprint: Item.fingerprint as string, licenseFileId: Item.licenseFileId as string, expiresAt: Item.expiresAt as string } : undefined;
}

export async function getLicenseFile(c: Clients, licenseFileId: string): Promise<LicenseFile | undefined> {
  const { Item } = await c.ddb.send(new GetCommand({ TableName: c.config.tableName, Key: itemKeys.licenseFileById(licenseFileId), ConsistentRead: true }));
  return Item ? toLicenseFile(Item) : undefined;
}

/** The install's newest license file. */
export async function newestLicenseFile(c: Clients, installId: string): Promise<LicenseFile | undefined> {
  const page = await queryPage(
    c,
    { keys: baseTable, partition: itemKeys.install(installId).PK, sortKey: { op: 'begins_with', value: itemPrefixes.licenseFiles }, newestFirst: true, consistent: true },
    { limit: 1 },
  );
  const item = page.items[0];
  return item ? toLicenseFile(item) : undefined;
}

/** The install's license files, newest first; a page stops early rather than grow past MAX_PAGE_JSON_BYTES. */
export async function listLicenseFiles(c: Clients, installId: string, page: { limit: number; cursor?: string }): Promise<Page<LicenseFile>> {
  const result = await queryPage(
    c,
    { keys: baseTable, partition: itemKeys.install(installId).PK, sortKey: { op: 'begins_with', value: itemPrefixes.licenseFiles }, newestFirst: true },
    page,
  );
  const items: LicenseFile[] = [];
  let bytes = 0;
  let last: (typeof result.items)[number] | undefined;
  for (const item of result.items) {
    bytes += (item.fileJson as string).length;
    if (bytes > MAX_PAGE_JSON_BYTES && last) return { items, nextCursor: encodeCursor({ PK: last.PK, SK: last.SK }) };
    items.push(toLicenseFile(item));
    last = item;
  }
  return { items, nextCursor: result.nextCursor };
}

export type StoreOutcome = { kind: 'stored' } | { kind: 'same-request'; head: LicenseHead } | { kind: 'install-gone' } | { kind: 'install-decommissioned' };

/**
 * Stores a new license file with its audit entry, on condition that the install's head does not
 * already hold this fingerprint for a file that is still valid at `now` (then a racing identical
 * request stored it first: the caller answers that one).
 */
export async function storeLicenseFile(c: Clients, file: LicenseFile, fingerprint: string, now: Date, audit: AuditEntry): Promise<StoreOutcome> {
  const TableName = c.config.tableName;
  const fileJson = JSON.stringify(file);
  const common = { type: 'license-file', licenseFileId: file.licenseFileId, installId: file.installId, customerId: file.customerId, issuedAt: file.issuedAt, expiresAt: file.expiresAt, fileJson };
  const transaction = new TransactWriteCommand({
    TransactItems: [
      installActiveCheck(c, file.installId),
      {
        Put: {
          TableName,
          Item: { ...itemKeys.licenseHead(file.installId), type: 'license-head', fingerprint, licenseFileId: file.licenseFileId, expiresAt: file.expiresAt },
          ConditionExpression: 'attribute_not_exists(PK) OR fingerprint <> :fingerprint OR expiresAt <= :now',
          ExpressionAttributeValues: { ':fingerprint': fingerprint, ':now': now.toISOString() },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      // Ordered by the instant of issue to the millisecond: issuedAt is whole seconds (the JWT's
      // iat), and two files of one second must still list newest first.
      { Put: { TableName, Item: { ...itemKeys.licenseFile(file.installId, now.toISOString(), file.licenseFileId), ...common }, ConditionExpression: 'attribute_not_exists(PK)' } },
      { Put: { TableName, Item: { ...itemKeys.licenseFileById(file.licenseFileId), ...common }, ConditionExpression: 'attribute_not_exists(PK)' } },
      auditPut(c, audit),
    ],
  });
  for (let attempt = 0; ; attempt++) {
    try {
      await c.ddb.send(transaction);
      return { kind: 'stored' };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return installRefusal(reasons[0].Item) === 'decommissioned' ? { kind: 'install-decommissioned' } : { kind: 'install-gone' };
      const head = reasons[1];
      if (head?.Code === 'ConditionalCheckFailed' && head.Item) {
        // Cancellation reasons carry items as raw attribute values, even through the document client.
        const item = unmarshall(head.Item as Record<string, AttributeValue>);
        return { kind: 'same-request', head: { fingerprint: item.fingerprint as string, licenseFileId: item.licenseFileId as string, expiresAt: item.expiresAt as string } };
      }
      // Racing requests for the same install conflict on its head: try again, and the loser finds the winner's file.
      if (!reasons.some((r) => r.Code === 'TransactionConflict') || attempt >= 10) throw error;
      await sleep(Math.min(200, 10 * 2 ** attempt) * Math.random());
    }
  }
}

/**
 * Publishes a signing key's public half before a file it signs is stored, raising the latest
 * expiry it signed (never lowering it) and marking it the key used last, so GET
 * /.well-known/jwks.json lists it, first, for as long as any file it signed is valid.
 */
export async function publishSigningKey(c: Clients, kid: string, publicJwk: Ed25519PublicJwk, expiresAt: string, now: Date): Promise<void> {
  const base = {
    TableName: c.config.tableName,
    Key: itemKeys.signingKey(kid),
  };
  const values = { ':jwk': JSON.stringify(publishedJwk(publicJwk, kid)), ':now': now.toISOString(), ':kid': kid, ':type': 'signing-key' };
  try {
    await c.ddb.send(
      new UpdateCommand({
        ...base,
        UpdateExpression: 'SET jwkJson = :jwk, kid = :kid, #type = :type, lastSignedAt = :now, latestExpiresAt = :exp, firstSignedAt = if_not_exists(firstSignedAt, :now)',
        ConditionExpression: 'attribute_not_exists(latestExpiresAt) OR latestExpiresAt < :exp',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ...values, ':exp': expiresAt },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    // A file it signed already lasts longer: keep that expiry, mark the key used now.
    await c.ddb.send(
      new UpdateCommand({
        ...base,
        UpdateExpression: 'SET jwkJson = :jwk, kid = :kid, #type = :type, lastSignedAt = :now',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: values,
      }),
    );
  }
}

/** Every key that signed a file still valid at `now`, the one used last first. */
export async function publishedSigningKeys(c: Clients, now: Date): Promise<PublishedJwk[]> {
  // Strongly consistent: a file answered just now must find its key here.
  const items = await queryAll(c, { keys: baseTable, partition: SIGNING_KEYS_PARTITION, consistent: true });
  const at = now.toISOString();
  return items
    .filter((item) => (item.latestExpiresAt as string) > at)
    .sort((a, b) => ((a.lastSignedAt as string) < (b.lastSignedAt as string) ? 1 : (a.lastSignedAt as string) > (b.lastSignedAt as string) ? -1 : 0))
    .map((item) => JSON.parse(item.jwkJson as string) as PublishedJwk);
}
