/** Installs and their API keys (DynamoDB items INSTALL and KEY; docs/storage.md). */
import { randomUUID } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { generateApiKey, hashApiKey } from '../domain/apiKeys.js';
import { installTarget } from '../domain/audit.js';
import type { CreateInstallRequest, Install } from '../domain/installs.js';
import { ProblemError } from '../domain/problems.js';
import { customerIndexKeys, customerListIndexKeys, installNameIndexKeys, itemKeys, lastSeenIndexKeys } from '../domain/storageKeys.js';
import { LOCAL_ADMIN, type Role } from '../domain/roles.js';
import { auditPut } from './audit.js';
import type { Clients } from './clients.js';
import { isConditionFailure, setClause, type TransactItem, transactUnlessCancelled } from './dynamo.js';

export interface InstallItem extends Install {
  keyHash: string;
  /** A purge (DELETE /v1/installs/{installId}) has begun: services/installPurge.ts. */
  deleting: boolean;
}

export interface ApiKeyItem {
  role: Role;
  installId?: string;
  customerId?: string;
  /** A named staff key's name and id. */
  name?: string;
  keyId?: string;
}

/**
 * The condition on an install item under which data may still be written for the install: it
 * exists and no purge has marked it (services/installPurge.ts). An upload, a license file or a
 * fleet sync under way when the purge began would otherwise write after the purge listed what
 * to delete, and outlive it.
 */
const INSTALL_TAKES_DATA = 'attribute_exists(PK) AND attribute_not_exists(deleting)';

/**
 * INSTALL_TAKES_DATA, and the install is not decommissioned: what an upload's commit and a
 * license file need. A retired install sends no data and is issued no file; an upload under
 * way when it was retired (an upload session processed later) would otherwise put it back into
 * the stale and expiring reports it left. With INSTALL_ACTIVE_NAMES and INSTALL_ACTIVE_VALUES.
 */
export const INSTALL_ACTIVE = `${INSTALL_TAKES_DATA} AND (attribute_not_exists(#installStatus) OR #installStatus <> :decommissioned)`;
export const INSTALL_ACTIVE_NAMES = { '#installStatus': 'status' };
export const INSTALL_ACTIVE_VALUES = { ':decommissioned': 'decommissioned' };

/**
 * A transaction's check that the install is active (INSTALL_ACTIVE), returning the install item
 * when it fails, for installRefusal: first in the transactions that need it, as the callers read
 * its reason by position.
 */
export function installActiveCheck(c: Clients, installId: string): TransactItem {
  return {
    ConditionCheck: {
      TableName: c.config.tableName,
      Key: itemKeys.install(installId),
      ConditionExpression: INSTALL_ACTIVE,
      ExpressionAttributeNames: INSTALL_ACTIVE_NAMES,
      ExpressionAttributeValues: INSTALL_ACTIVE_VALUES,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

export type InstallRefusal = 'gone' | 'decommissioned' | 'usage-collection-disabled';

/**
 * Why an install refused a write conditioned on INSTALL_ACTIVE (and, for an optional type, its
 * usage-collection flag), from the item the cancellation returned (ALL_OLD; none: gone). It
 * holds the key's hash: read here, never logged.
 */
export function installRefusal(returned: Record<string, unknown> | undefined): InstallRefusal {
  // A cancellation reason's Item is in DynamoDB's wire format: the document client does not convert it.
  const install = returned ? unmarshall(returned as Record<string, AttributeValue>) : undefined;
  if (!install || install.deleting !== undefined) return 'gone';
  if (install.status === 'decommissioned') return 'decommissioned';
  // The flag is the only condition left; an item that explains nothing counts as gone, never as a 403.
  return install.usageCollectionEnabled === false ? 'usage-collection-disabled' : 'gone';
}

/** Whether the install still takes data (INSTALL_TAKES_DATA), read strongly consistent. */
export async function installTakesData(c: Clients, installId: string): Promise<boolean> {
  const { Item } = await c.ddb.send(new GetCommand({ TableName: c.config.tableName, Key: itemKeys.install(installId), ProjectionExpression: 'PK, deleting', ConsistentRead: true }));
  return Item !== undefined && Item.deleting === undefined;
}

/** The install's entry in the directory by customer and name (GET /v1/installs). */
export function installDirectoryItem(install: Pick<Install, 'installId' | 'customerId' | 'name' | 'createdAt'>) {
  return {
    ...itemKeys.installDirectory(install.installId),
    ...installNameIndexKeys(install.customerId, install.name, install.installId),
    type: 'directory',
    installId: install.installId,
    customerId: install.customerId,
    name: install.name,
    createdAt: install.createdAt,
  };
}

/** Counts one more (or, with -1, one fewer) install of a customer in the customer list. */
export function customerCountUpdate(c: Clients, customerId: string, delta: 1 | -1) {
  const listed = setClause({ ...customerListIndexKeys(customerId), type: 'customer', customerId }, 'c');
  return {
    Update: {
      TableName: c.config.tableName,
      Key: itemKeys.customer(customerId),
      UpdateExpression: `SET ${listed.expression} ADD installs :delta`,
      ExpressionAttributeNames: listed.names,
      ExpressionAttributeValues: { ...listed.values, ':delta': delta },
    },
  };
}

function toInstall(item: Record<string, unknown>): InstallItem {
  return {
    installId: item.installId as string,
    customerId: item.customerId as string,
    name: item.name as string,
    createdAt: item.createdAt as string,
    lastSeenAt: (item.lastSeenAt as string | undefined) ?? null,
    usageCollectionEnabled: item.usageCollectionEnabled !== false,
    status: item.status === 'decommissioned' ? 'decommissioned' : 'active',
    keyHash: item.keyHash as string,
    deleting: item.deleting === true,
  };
}

/** Registers an install, its key, its directory entry and its customer, with the audit entry of `actor`. */
export async function createInstall(c: Clients, request: CreateInstallRequest, now: Date, actor = LOCAL_ADMIN): Promise<{ install: Install; apiKey: string }> {
  const installId = randomUUID();
  const apiKey = generateApiKey('install');
  const keyHash = hashApiKey(apiKey);
  const install: InstallItem = {
    installId,
    customerId: request.customerId,
    name: request.name,
    createdAt: now.toISOString(),
    lastSeenAt: null,
    usageCollectionEnabled: true,
    status: 'active',
    keyHash,
    deleting: false,
  };
  await c.ddb.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: c.config.tableName,
            Item: {
              ...itemKeys.install(installId),
              ...customerIndexKeys(install.customerId, installId),
              ...lastSeenIndexKeys(null, installId),
              type: 'install',
              ...install,
              lastSeenAt: undefined,
              deleting: undefined,
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        { Put: { TableName: c.config.tableName, Item: { ...itemKeys.apiKey(keyHash), type: 'key', role: 'install', installId, customerId: install.customerId, createdAt: install.createdAt }, ConditionExpression: 'attribute_not_exists(PK)' } },
        { Put: { TableName: c.config.tableName, Item: installDirectoryItem(install), ConditionExpression: 'attribute_not_exists(PK)' } },
        customerCountUpdate(c, install.customerId, 1),
        auditPut(c, { at: install.createdAt, actor, action: 'install.create', target: installTarget(installId), details: { customerId: install.customerId, name: install.name } }),
      ],
    }),
  );
  const { keyHash: _hidden, deleting: _deleting, ...visible } = install;
  return { install: visible, apiKey };
}

export async function getInstall(c: Clients, installId: string, consistent = false): Promise<InstallItem | undefined> {
  const { Item } = await c.ddb.send(new GetCommand({ TableName: c.config.tableName, Key: itemKeys.install(installId), ConsistentRead: consistent }));
  return Item ? toInstall(Item) : undefined;
}

export async function requireInstall(c: Clients, installId: string, consistent = false): Promise<InstallItem> {
  const install = await getInstall(c, installId, consistent);
  if (!install || install.deleting) throw new ProblemError('not_found', `There is no install '${installId.slice(0, 64)}'.`);
  return install;
}

/** The condition that the install's status is still `read` (an install written before statuses: active), with its names and values. */
export function statusAsRead(read: Install['status']): { condition: string; names: Record<string, string>; values: Record<string, string> } {
  return {
    condition: read === 'active' ? '(attribute_not_exists(#oldStatus) OR #oldStatus = :oldStatus)' : '#oldStatus = :oldStatus',
    names: { '#oldStatus': 'status' },
    values: { ':oldStatus': read },
  };
}

/**
 * Issues a new key for the install; the previous one stops working at once. The new key item
 * takes the decommissioned mark from the status read, so the transaction checks that status
 * (a PATCH that retires or reactivates meanwhile marks only the old key), and that no purge has
 * marked the install (the purge deletes the key it read; a new one would outlive it).
 */
export async function rotateInstallKey(c: Clients, installId: string, now: Date, actor = LOCAL_ADMIN): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const install = await requireInstall(c, installId, true);
    const apiKey = generateApiKey('install');
    const keyHash = hashApiKey(apiKey);
    const status = statusAsRead(install.status);
    const rotated = await transactUnlessCancelled(c, [
      {
        Update: {
          TableName: c.config.tableName,
          Key: itemKeys.install(installId),
          UpdateExpression: 'SET keyHash = :new',
          ConditionExpression: `keyHash = :old AND attribute_not_exists(deleting) AND ${status.condition}`,
          ExpressionAttributeNames: status.names,
          ExpressionAttributeValues: { ':new': keyHash, ':old': install.keyHash, ...status.values },
        },
      },
      { Delete: { TableName: c.config.tableName, Key: itemKeys.apiKey(install.keyHash) } },
      {
        Put: {
          TableName: c.config.tableName,
          // A decommissioned install's new key is refused as its old one was, until reactivated.
          Item: { ...itemKeys.apiKey(keyHash), type: 'key', role: 'install', installId, customerId: install.customerId, createdAt: now.toISOString(), ...(install.status === 'decommissioned' ? { decommissioned: true } : {}) },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      auditPut(c, { at: now.toISOString(), actor, action: 'install.key.rotate', target: installTarget(installId), details: {} }),
    ]);
    if (rotated) return apiKey;
    // Another rotation, a status change or a purge won the race: read the install again (a
    // purged one answers 404) and try again.
  }
  throw new ProblemError('conflict', 'The key of this install is being rotated by another request; try again.');
}

export async function findApiKey(c: Clients, keyHash: string): Promise<ApiKeyItem | undefined> {
  const { Item } = await c.ddb.send(new GetCommand({ TableName: c.config.tableName, Key: itemKeys.apiKey(keyHash), ConsistentRead: true }));
  // A decommissioned install's key, and a revoked staff key (deleted anyway), answer as unknown.
  if (!Item || Item.decommissioned === true || Item.revoked === true) return undefined;
  // Exactly the roles this service writes; an item of any other shape grants nothing (fails closed).
  if (Item.role === 'staff') return { role: 'staff', ...(typeof Item.name === 'string' ? { name: Item.name } : {}), ...(typeof Item.keyId === 'string' ? { keyId: Item.keyId } : {}) };
  if (Item.role !== 'install' || typeof Item.installId !== 'string' || Item.installId === '') return undefined;
  return { role: 'install', installId: Item.installId, ...(typeof Item.customerId === 'string' && Item.customerId !== '' ? { customerId: Item.customerId } : {}) };
}

/** Sets the usage-collection flag of an existing install. */
export async function setUsageCollectionFlag(c: Clients, installId: string, enabled: boolean): Promise<void> {
  try {
    await c.ddb.send(
      new UpdateCommand({
        TableName: c.config.tableName,
        Key: itemKeys.install(installId),
        UpdateExpression: 'SET usageCollectionEnabled = :enabled',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':enabled': enabled },
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) throw new ProblemError('not_found', 'The install of this key no longer exists.');
    throw error;
  }
}
