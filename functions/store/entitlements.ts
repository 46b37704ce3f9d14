/**
 * Entitlements (DESIGN.md §8): one item per (customer, entitlementId) under the customer's
 * partition, each in the complianceCustomers index so the over-deployment report finds the
 * customer without a scan (docs/storage.md). Every write commits with its audit entry.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../domain/audit.js';
import type { Entitlement } from '../domain/licensing.js';
import { complianceIndexKeys, itemKeys, itemPrefixes } from '../domain/storageKeys.js';
import { auditPut } from './audit.js';
import type { Clients } from './clients.js';
import { transactUnlessFirstConditionFails } from './dynamo.js';
import { baseTable, queryAll } from './indexQueries.js';

/** The entitlement an item holds: it was written from one, with its keys beside it (writeEntitlement). */
function toEntitlement(stored: Record<string, unknown>): Entitlement {
  const { customerId, entitlementId, item, quantity, termStart, graceDays, updatedAt } = stored as unknown as Entitlement;
  const orNull = (value: unknown) => (value as string | null | undefined) ?? null;
  return { customerId, entitlementId, item, quantity, termStart, termEnd: orNull(stored.termEnd), graceDays, installId: orNull(stored.installId), contractRef: orNull(stored.contractRef), updatedAt };
}

/** One entitlement, read consistently; undefined when unknown. */
export async function getEntitlement(c: Clients, customerId: string, entitlementId: string): Promise<Entitlement | undefined> {
  const { Item } = await c.ddb.send(new GetCommand({ TableName: c.config.tableName, Key: itemKeys.entitlement(customerId, entitlementId), ConsistentRead: true }));
  return Item ? toEntitlement(Item) : undefined;
}

/** Every entitlement of the customer, ordered by entitlementId (one Query of its partition). */
export async function listEntitlements(c: Clients, customerId: string): Promise<Entitlement[]> {
  const items = await queryAll(c, {
    keys: baseTable,
    partition: itemKeys.entitlement(customerId, '').PK,
    sortKey: { op: 'begins_with', value: itemPrefixes.entitlements },
    consistent: true,
  });
  return items.map(toEntitlement);
}

/**
 * Writes the entitlement with its audit entry, on condition that the item is (`replacing`) or
 * is not there yet, so 201 and 200 answer what actually happened; answers false when a
 * concurrent write changed that (the caller reads again and retries).
 */
export function writeEntitlement(c: Clients, entitlement: Entitlement, replacing: boolean, audit: AuditEntry): Promise<boolean> {
  const Item = {
    ...itemKeys.entitlement(entitlement.customerId, entitlement.entitlementId),
    ...complianceIndexKeys(entitlement.customerId, { entitlementId: entitlement.entitlementId }),
    type: 'entitlement',
    ...entitlement,
  };
  const ConditionExpression = replacing ? 'attribute_exists(PK)' : 'attribute_not_exists(PK)';
  return transactUnlessFirstConditionFails(c, [{ Put: { TableName: c.config.tableName, Item, ConditionExpression } }, auditPut(c, audit)]);
}

/** Deletes the entitlement with its audit entry; answers false when there was none. */
export function deleteEntitlement(c: Clients, customerId: string, entitlementId: string, audit: AuditEntry): Promise<boolean> {
  return transactUnlessFirstConditionFails(c, [
    { Delete: { TableName: c.config.tableName, Key: itemKeys.entitlement(customerId, entitlementId), ConditionExpression: 'attribute_exists(PK)' } },
    auditPut(c, audit),
  ]);
}
