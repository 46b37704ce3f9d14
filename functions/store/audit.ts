/**
 * Audit entries as DynamoDB transaction items, so a staff write and its entry commit together
 * or not at all (DESIGN.md §11), and their reads (GET /v1/audit). Entries live in one table
 * partition (`AUDIT`, newest first by `<at>#<entryId>`), with index entries by actor (GSI1)
 * and by target (GSI2): every listing is one partition's query, never a scan. Nothing here
 * deletes an entry, and only a staff bundle's entry is updated (it grows by each accepted
 * file, in that file's transaction: bundleAuditItems); IAM denies deleting items of the AUDIT
 * partition to every function but the purge, and updating them to every function but the
 * bundle upload's (lib/handlerProfiles.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type AuditEntry, installTarget } from '../domain/audit.js';
import { type QueryType, queryTypes } from '../domain/queries/queryTypes.js';
import { AUDIT_PARTITION, auditActorPartition, auditIndexKeys, auditTargetPartition, itemKeys } from '../domain/storageKeys.js';
import type { Clients } from './clients.js';
import type { TransactItem } from './dynamo.js';
import { setClause } from './dynamo.js';
import { baseTable, type Page, queryPage } from './indexQueries.js';
import { table } from './tableDefinition.js';

/** A TransactWriteItems entry that appends `entry` to the audit trail. */
export function auditPut(c: Clients, entry: AuditEntry) {
  const entryId = randomUUID();
  return {
    Put: {
      TableName: c.config.tableName,
      Item: {
        ...itemKeys.audit(entry.at, entryId),
        ...auditIndexKeys(entry.actor, entry.target, entry.at, entryId),
        type: 'audit',
        at: entry.at,
        actor: entry.actor,
        action: entry.action,
        target: entry.target,
        // As JSON: details vary by action, and an entry is read back exactly as written.
        detailsJson: JSON.stringify(entry.details),
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

/** A staff bundle's entry: who sent which bundle for which install, and since when. */
/**
 * How long after a bundle's entry began a copy of the bundle by the same actor is taken for a
 * retry of that request (adding to its entry); a later copy is a staff action of its own and
 * appends an entry of its own.
 */
export const BUNDLE_RETRY_WINDOW_MS = 15 * 60_000;

export interface BundleAudit {
  /** When the bundle's first file was accepted (bundleAuditAt), else the request's time. */
  at: string;
  actor: string;
  installId: string;
  bundleId: string;
}

/**
 * The `at` of the entry an earlier attempt of the same bundle by the same actor began (a retry
 * after a failure part-way), so that the retry adds to that entry instead of writing a second.
 */
export async function bundleAuditAt(c: Clients, audit: Omit<BundleAudit, 'at'>): Promise<string | undefined> {
  const { Item } = await c.ddb.send(
    new GetCommand({ TableName: c.config.tableName, Key: itemKeys.bundleAudit(audit.installId, audit.bundleId, audit.actor), ConsistentRead: true }),
  );
  return Item?.at as string | undefined;
}

/**
 * The transaction items that record one accepted file of a staff bundle in the bundle's ONE
 * `bundle.upload` entry, for that file's own commit: an update that creates the entry if absent
 * and adds the file's query type to its `accepted` set (a set: a file counted again changes
 * nothing), and the pointer that keeps the entry's `at` for a retry. The entry's key follows
 * from the bundle, its actor and that `at`; its condition lets it update no other entry.
 */
export function bundleAuditItems(c: Clients, audit: BundleAudit, queryType: QueryType): TransactItem[] {
  const TableName = c.config.tableName;
  const entryId = `bundle-${createHash('sha256').update(`${audit.bundleId}\n${audit.actor}`).digest('hex').slice(0, 32)}`;
  const target = installTarget(audit.installId);
  const fields = setClause(
    { ...auditIndexKeys(audit.actor, target, audit.at, entryId), type: 'audit', at: audit.at, actor: audit.actor, action: 'bundle.upload', target, bundleId: audit.bundleId },
    'f',
  );
  return [
    {
      Update: {
        TableName,
        Key: itemKeys.audit(audit.at, entryId),
        UpdateExpression: `SET ${fields.expression} ADD #accepted :accepted`,
        ConditionExpression: 'attribute_not_exists(PK) OR (#action = :action AND #bundleId = :bundleId)',
        ExpressionAttributeNames: { ...fields.names, '#accepted': 'acceptedTypes', '#action': 'action', '#bundleId': 'bundleId' },
        ExpressionAttributeValues: { ...fields.values, ':accepted': new Set([queryType]), ':action': 'bundle.upload', ':bundleId': audit.bundleId },
      },
    },
    {
      Put: {
        TableName,
        Item: { ...itemKeys.bundleAudit(audit.installId, audit.bundleId, audit.actor), type: 'bundleAudit', at: audit.at },
        // A racing attempt that chose another `at` fails here rather than begin a second entry;
        // a pointer older than the retry window gives way to a new entry.
        ConditionExpression: 'attribute_not_exists(PK) OR #at = :at OR #at < :retriesFrom',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':at': audit.at, ':retriesFrom': new Date(Date.parse(audit.at) - BUNDLE_RETRY_WINDOW_MS).toISOString() },
      },
    },
  ];
}

export interface AuditFilter {
  actor?: string;
  target?: string;
}

const queryTypeOrder = new Map<string, number>(queryTypes.map((t, i) => [t, i]));

function toEntry(item: Record<string, unknown>): AuditEntry {
  // A bundle's entry keeps its accepted query types as a set (bundleAuditItems); read in the contract's order.
  if (item.acceptedTypes instanceof Set) {
    const accepted = [...(item.acceptedTypes as Set<string>)].sort((a, b) => (queryTypeOrder.get(a) ?? 99) - (queryTypeOrder.get(b) ?? 99));
    return {
      at: item.at as string,
      actor: item.actor as string,
      action: item.action as AuditEntry['action'],
      target: item.target as string,
      details: { bundleId: item.bundleId as string, accepted },
    };
  }
  return {
    at: item.at as string,
    actor: item.actor as string,
    action: item.action as AuditEntry['action'],
    target: item.target as string,
    details: JSON.parse((item.detailsJson as string | undefined) ?? '{}') as Record<string, unknown>,
  };
}

/** One page of entries, newest first: of a target (and actor), of an actor, or of all. */
export async function listAudit(c: Clients, filter: AuditFilter, page: { limit: number; cursor?: string }): Promise<Page<AuditEntry>> {
  const query =
    filter.target !== undefined
      ? {
          keys: table.indexes.auditByTarget,
          partition: auditTargetPartition(filter.target),
          ...(filter.actor !== undefined ? { filter: { attribute: 'actor', value: filter.actor } } : {}),
        }
      : filter.actor !== undefined
        ? { keys: table.indexes.auditByActor, partition: auditActorPartition(filter.actor) }
        : { keys: baseTable, partition: AUDIT_PARTITION };
  const result = await queryPage(c, { ...query, newestFirst: true }, page);
  return { items: result.items.map(toEntry), nextCursor: result.nextCursor };
}
