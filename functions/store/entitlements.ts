/**
 * Entitlements (DESIGN.md §8): one item per (customer, entitlementId) under the customer's
 * partition, each in the complianceCustomers index so the over-deployment report finds the
 * customer without a scan (docs/storage.md). Every write commits with its audit entry.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../domain/audit.js';
import type { Entitlement } from '../domain/licensing.js';
import { complianceIndexKeys, itemKeys, itemPrefixes } from '../domain/storageKeys.js';
import { auditPut } from './audit.js';
import type { Clients } from './clients.js';
import { cancellationReasons } from './dynamo.js';
import { baseTable, queryAll } from './indexQueries.js';

function toEntitlement(item: Record<string, unknown>): Entitlement {
  return {
    customerId: item.customerId as string,
    entitlementId: item.entitlementId as string,
    item: item.item as string,
    quantity: item.quantity as number,
    termStart: item.termStart as string,
    termEnd: (item.termEnd as string | null | undefined) ?? null,
    graceDays: item.graceDays as number,
    installId: (item.installId as string | null | undefined) ?? null,
    contractRef: (item.contractRef as string | null | undefined) ?? null,
    updatedAt: item.updatedAt as string,
  };
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
export async function writeEntitlement(c: Clients, entitlement: Entitlement, replacing: boolean, audit: AuditEntry): Promise<boolean> {
  try {
    await c.ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: c.config.tableName,
              Item: {
                ...itemKeys.entitlement(entitlement.customerId, entitlement.entitlementId),
                ...complianceIndexKeys(entitlement.customerId, { entitlementId: entitlement.entitlementId }),
                type: 'entitlement',
                ...entitlement,
              },
              ConditionExpression: replacing ? 'attribute_exists(PK)' : 'attribute_not_exists(PK)',
            },
          },
          auditPut(c, audit),
        ],
      }),
    );
    return true;
  } catch (error) {
    if (cancellationReasons(error)?.[0]?.Code === 'ConditionalCheckFailed') return false;
    throw error;
  }
}

/** Deletes the entitlement with its audit entry; answers false when there was none. */
export async function deleteEntitlement(c: Clients, customerId: string, entitlementId: string, audit: AuditEntry): Promise<boolean> {
  try {
    await c.ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: c.config.tableName, Key: itemKeys.entitlement(customerId, entitlementId), ConditionExpression: 'attribute_exists(PK)' } },
          auditPut(c, audit),
        ],
      }),
    );
    return true;
  } catch (error) {
    if (cancellationReasons(error)?.[0]?.Code === 'ConditionalCheckFailed') return false;
    throw error;
  }
}
