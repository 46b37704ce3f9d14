/**
 * Audit entries as DynamoDB transaction items, so a staff write and its entry commit together
 * or not at all (DESIGN.md §11), and their reads (GET /v1/audit). Entries live in one table
 * partition (`AUDIT`, newest first by `<at>#<entryId>`), with index entries by actor (GSI1)
 * and by target (GSI2): every listing is one partition's query, never a scan. Nothing here
 * updates or deletes an entry; IAM denies deleting items of the AUDIT partition to every
 * function (lib/handlerProfiles.ts).
 */
import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../domain/audit.js';
import { AUDIT_PARTITION, auditActorPartition, auditIndexKeys, auditTargetPartition, itemKeys } from '../domain/storageKeys.js';
import type { Clients } from './clients.js';
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

export interface AuditFilter {
  actor?: string;
  target?: string;
}

function toEntry(item: Record<string, unknown>): AuditEntry {
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
