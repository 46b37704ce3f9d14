/**
 * Audit entries as DynamoDB transaction items, so a staff write and its entry commit together
 * or not at all (DESIGN.md §11). SEAM: the staff-operations work owns the item layout and the
 * reads (GET /v1/audit); callers only append `auditPut(...)` to their TransactItems.
 */
import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../domain/audit.js';
import type { Clients } from './clients.js';

/** A TransactWriteItems entry that appends `entry` to the audit trail. */
export function auditPut(c: Clients, entry: AuditEntry) {
  const id = randomUUID();
  return {
    Put: {
      TableName: c.config.tableName,
      Item: { PK: `AUDIT#${id}`, SK: 'AUDIT', type: 'audit', ...entry, detailsJson: JSON.stringify(entry.details), details: undefined },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}
