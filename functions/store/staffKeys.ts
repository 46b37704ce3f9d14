/**
 * Named staff keys (DESIGN.md §11): a STAFFKEY record per key (listed through GSI1), its hash
 * in a KEY item as install keys are (the authorizer's one GetItem), and a name holder that
 * keeps two active keys from sharing a name. Create and revoke each commit in one
 * transaction with their audit entry.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { generateApiKey, hashApiKey } from '../domain/apiKeys.js';
import { staffKeyTarget } from '../domain/audit.js';
import { ProblemError } from '../domain/problems.js';
import { RESERVED_ACTORS } from '../domain/roles.js';
import type { StaffKey } from '../domain/staffKeys.js';
import { itemKeys, STAFF_KEYS_PARTITION, staffKeyIndexKeys } from '../domain/storageKeys.js';
import { auditPut } from './audit.js';
import type { Clients } from './clients.js';
import { transactUnlessFirstConditionFails } from './dynamo.js';
import { queryAll } from './indexQueries.js';
import { table } from './tableDefinition.js';

export interface CreatedStaffKey {
  keyId: string;
  name: string;
  apiKey: string;
  createdAt: string;
  createdBy: string;
}

/**
 * Creates a named staff key; `409 conflict` when an active key already has the name, or the name
 * is an actor the service gives (RESERVED_ACTORS: the audit names keys by name).
 */
export async function createStaffKey(c: Clients, request: { name: string; note?: string | undefined }, createdBy: string, now: Date, apiKey = generateApiKey('staff')): Promise<CreatedStaffKey> {
  if (RESERVED_ACTORS.has(request.name)) throw new ProblemError('conflict', `'${request.name}' names the service's own actor in the audit log; choose another name.`);
  const keyId = randomUUID();
  const keyHash = hashApiKey(apiKey);
  const createdAt = now.toISOString();
  const TableName = c.config.tableName;
  const note = request.note === undefined || request.note === '' ? null : request.note;
  const created = await transactUnlessFirstConditionFails(c, [
    { Put: { TableName, Item: { ...itemKeys.staffKeyName(request.name), type: 'staff-key-name', keyId }, ConditionExpression: 'attribute_not_exists(PK)' } },
    {
      Put: {
        TableName,
        Item: { ...itemKeys.staffKey(keyId), ...staffKeyIndexKeys(createdAt, keyId), type: 'staff-key', keyId, name: request.name, note, createdAt, createdBy, keyHash },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    { Put: { TableName, Item: { ...itemKeys.apiKey(keyHash), type: 'key', role: 'staff', keyId, name: request.name, createdAt }, ConditionExpression: 'attribute_not_exists(PK)' } },
    auditPut(c, { at: createdAt, actor: createdBy, action: 'staff-key.create', target: staffKeyTarget(keyId), details: { name: request.name } }),
  ]);
  if (!created) throw new ProblemError('conflict', `An active staff key is already named '${request.name}'.`);
  return { keyId, name: request.name, apiKey, createdAt, createdBy };
}

function toStaffKey(item: Record<string, unknown>): StaffKey {
  return {
    keyId: item.keyId as string,
    name: item.name as string,
    note: (item.note as string | null | undefined) ?? null,
    createdAt: item.createdAt as string,
    createdBy: item.createdBy as string,
    revokedAt: (item.revokedAt as string | undefined) ?? null,
  };
}

/** Every staff key, oldest first, revoked ones included; never a key or its hash. */
export async function listStaffKeys(c: Clients): Promise<StaffKey[]> {
  const items = await queryAll(c, { keys: table.indexes.staffKeys, partition: STAFF_KEYS_PARTITION });
  return items.map(toStaffKey);
}

/**
 * Revokes a staff key at once: its KEY item and name holder go, its record gets revokedAt.
 * A key may not revoke itself (`409`); revoking a revoked key changes nothing and writes no entry.
 */
export async function revokeStaffKey(c: Clients, keyId: string, caller: { keyId?: string | undefined; actor: string }, now: Date): Promise<void> {
  if (caller.keyId === keyId) throw new ProblemError('conflict', 'A staff key cannot revoke itself; revoke it with another staff key.');
  const TableName = c.config.tableName;
  const { Item } = await c.ddb.send(new GetCommand({ TableName, Key: itemKeys.staffKey(keyId), ConsistentRead: true }));
  if (!Item) throw new ProblemError('not_found', `There is no staff key '${keyId.slice(0, 64)}'.`);
  if (Item.revokedAt) return;
  const revokedAt = now.toISOString();
  // Not revoked (false) when a concurrent request revoked it meanwhile: the outcome the caller asked for.
  await transactUnlessFirstConditionFails(c, [
    {
      Update: {
        TableName,
        Key: itemKeys.staffKey(keyId),
        UpdateExpression: 'SET revokedAt = :at',
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(revokedAt)',
        ExpressionAttributeValues: { ':at': revokedAt },
      },
    },
    { Delete: { TableName, Key: itemKeys.apiKey(Item.keyHash as string) } },
    {
      Delete: {
        TableName,
        Key: itemKeys.staffKeyName(Item.name as string),
        ConditionExpression: 'attribute_not_exists(PK) OR keyId = :keyId',
        ExpressionAttributeValues: { ':keyId': keyId },
      },
    },
    auditPut(c, { at: revokedAt, actor: caller.actor, action: 'staff-key.revoke', target: staffKeyTarget(keyId), details: { name: Item.name } }),
  ]);
}
