/** Installs and their API keys (DynamoDB items INSTALL and KEY; docs/storage.md). */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { generateApiKey, hashApiKey } from '../domain/apiKeys.js';
import type { CreateInstallRequest, Install } from '../domain/installs.js';
import { ProblemError } from '../domain/problems.js';
import { customerIndexKeys, itemKeys, lastSeenIndexKeys } from '../domain/storageKeys.js';
import type { Role } from '../routes.js';
import type { Clients } from './clients.js';
import { cancellationReasons, isConditionFailure } from './dynamo.js';

export interface InstallItem extends Install {
  keyHash: string;
}

export interface ApiKeyItem {
  role: Role;
  installId?: string;
  customerId?: string;
}

function toInstall(item: Record<string, unknown>): InstallItem {
  return {
    installId: item.installId as string,
    customerId: item.customerId as string,
    name: item.name as string,
    createdAt: item.createdAt as string,
    lastSeenAt: (item.lastSeenAt as string | undefined) ?? null,
    usageCollectionEnabled: item.usageCollectionEnabled !== false,
    keyHash: item.keyHash as string,
  };
}

export async function createInstall(c: Clients, request: CreateInstallRequest, now: Date): Promise<{ install: Install; apiKey: string }> {
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
    keyHash,
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
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        { Put: { TableName: c.config.tableName, Item: { ...itemKeys.apiKey(keyHash), type: 'key', role: 'install', installId, customerId: install.customerId, createdAt: install.createdAt }, ConditionExpression: 'attribute_not_exists(PK)' } },
      ],
    }),
  );
  const { keyHash: _hidden, ...visible } = install;
  return { install: visible, apiKey };
}

export async function getInstall(c: Clients, installId: string, consistent = false): Promise<InstallItem | undefined> {
  const { Item } = await c.ddb.send(new GetCommand({ TableName: c.config.tableName, Key: itemKeys.install(installId), ConsistentRead: consistent }));
  return Item ? toInstall(Item) : undefined;
}

export async function requireInstall(c: Clients, installId: string, consistent = false): Promise<InstallItem> {
  const install = await getInstall(c, installId, consistent);
  if (!install) throw new ProblemError('not_found', `There is no install '${installId.slice(0, 64)}'.`);
  return install;
}

/** Issues a new key for the install; the previous one stops working at once. */
export async function rotateInstallKey(c: Clients, installId: string, now: Date): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const install = await requireInstall(c, installId, true);
    const apiKey = generateApiKey('install');
    const keyHash = hashApiKey(apiKey);
    try {
      await c.ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: c.config.tableName,
                Key: itemKeys.install(installId),
                UpdateExpression: 'SET keyHash = :new',
                ConditionExpression: 'keyHash = :old',
                ExpressionAttributeValues: { ':new': keyHash, ':old': install.keyHash },
              },
            },
            { Delete: { TableName: c.config.tableName, Key: itemKeys.apiKey(install.keyHash) } },
            { Put: { TableName: c.config.tableName, Item: { ...itemKeys.apiKey(keyHash), type: 'key', role: 'install', installId, customerId: install.customerId, createdAt: now.toISOString() }, ConditionExpression: 'attribute_not_exists(PK)' } },
          ],
        }),
      );
      return apiKey;
    } catch (error) {
      // Another rotation won the race: read the new key hash and try again.
      if (!cancellationReasons(error)) throw error;
    }
  }
  throw new ProblemError('conflict', 'The key of this install is being rotated by another request; try again.');
}

/** Creates a staff key (used by the admin CLI and the local server's bootstrap). */
export async function createStaffKey(c: Clients, now: Date, apiKey = generateApiKey('staff')): Promise<string> {
  await c.ddb.send(
    new PutCommand({
      TableName: c.config.tableName,
      Item: { ...itemKeys.apiKey(hashApiKey(apiKey)), type: 'key', role: 'staff', createdAt: now.toISOString() },
    }),
  );
  return apiKey;
}

export async function findApiKey(c: Clients, keyHash: string): Promise<ApiKeyItem | undefined> {
  const { Item } = await c.ddb.send(new GetCommand({ TableName: c.config.tableName, Key: itemKeys.apiKey(keyHash), ConsistentRead: true }));
  if (!Item) return undefined;
  // Exactly the roles this service writes; an item of any other shape grants nothing (fails closed).
  if (Item.role === 'staff') return { role: 'staff' };
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
