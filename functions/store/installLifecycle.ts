/**
 * PATCH /v1/installs/{installId} (DESIGN.md §11): rename, decommission, reactivate. Each is
 * one transaction with its audit entry. A decommissioned install's KEY item is marked, so its
 * key answers 401; its install item leaves the stale report's partition and its latest
 * license-state summaries leave the expiring report's (their GSI2 keys are removed, and put
 * back on reactivation). A rename rewrites the directory entry, so it moves in the by-name order.
 */
import { type AuditAction, installTarget } from '../domain/audit.js';
import type { Install, PatchInstallRequest } from '../domain/installs.js';
import { ProblemError } from '../domain/problems.js';
import { itemKeys, itemPrefixes, lastSeenIndexKeys } from '../domain/storageKeys.js';
import { auditPut } from './audit.js';
import type { Clients } from './clients.js';
import { setClause, sleep, type TransactItems, transactUnlessCancelled } from './dynamo.js';
import { baseTable, queryAll } from './indexQueries.js';
import { installDirectoryItem, requireInstall, statusAsRead } from './installs.js';
import { table } from './tableDefinition.js';
import { expiringIndexOf } from './uploadLog.js';
import type { QueryType } from '../domain/queries/index.js';
import { licenseStateQueryTypes } from '../domain/queries/queryTypes.js';

const GSI2 = table.indexes.installsByLastSeen;

/** Reads and transactions a PATCH tries before it answers 409. */
const ATTEMPTS = 5;

/** Applies the request; answers the install as it now is. No change: no write, no entry. */
export async function patchInstall(c: Clients, installId: string, request: PatchInstallRequest, actor: string, now: Date): Promise<Install> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const install = await requireInstall(c, installId, true);
    const newName = request.name !== undefined && request.name !== install.name ? request.name : undefined;
    const renamed = newName !== undefined;
    const newStatus = request.status !== undefined && request.status !== install.status ? request.status : undefined;
    const next: Install = { ...install, ...(renamed ? { name: newName } : {}), ...(newStatus ? { status: newStatus } : {}) };
    const { keyHash: _hidden, deleting: _deleting, ...visible } = { ...install, ...next };
    if (!renamed && !newStatus) return visible;

    const TableName = c.config.tableName;
    const at = now.toISOString();
    const sets: Record<string, unknown> = { name: next.name, status: next.status };
    if (newStatus === 'active') Object.assign(sets, lastSeenIndexKeys(install.lastSeenAt, installId));
    const set = setClause(sets, 's');
    const remove = newStatus === 'decommissioned' ? ` REMOVE ${GSI2.partitionKey}, ${GSI2.sortKey}` : '';
    const status = newStatus ? statusAsRead(install.status) : undefined;
    const items: TransactItems = [
      {
        Update: {
          TableName,
          Key: itemKeys.install(installId),
          UpdateExpression: `SET ${set.expression}${remove}`,
          // Optimistic: what was read is still there (another PATCH or a rotation retries), the
          // status too when it changes: a concurrent reactivation lets uploads commit again.
          ConditionExpression: `attribute_exists(PK) AND #name = :oldName AND keyHash = :keyHash AND attribute_not_exists(deleting)${status ? ` AND ${status.condition}` : ''}`,
          ExpressionAttributeNames: { ...set.names, '#name': 'name', ...status?.names },
          ExpressionAttributeValues: { ...set.values, ':oldName': install.name, ':keyHash': install.keyHash, ...status?.values },
        },
      },
    ];
    const entries: { action: AuditAction; details: Record<string, unknown> }[] = [];
    if (renamed) {
      items.push({ Put: { TableName, Item: installDirectoryItem(next) } });
      entries.push({ action: 'install.rename', details: { from: install.name, to: next.name } });
    }
    if (newStatus) {
      items.push({
        Update: {
          TableName,
          Key: itemKeys.apiKey(install.keyHash),
          UpdateExpression: newStatus === 'decommissioned' ? 'SET decommissioned = :true' : 'REMOVE decommissioned',
          ConditionExpression: 'attribute_exists(PK)',
          ...(newStatus === 'decommissioned' ? { ExpressionAttributeValues: { ':true': true } } : {}),
        },
      });
      items.push(...(await expiringIndexChanges(c, installId, newStatus === 'active')));
      entries.push({ action: newStatus === 'decommissioned' ? 'install.decommission' : 'install.reactivate', details: { name: next.name } });
    }
    for (const entry of entries) items.push(auditPut(c, { at, actor, target: installTarget(installId), ...entry }));
    // Cancelled: a concurrent change moved the install on; read it again and retry, a little later.
    if (await transactUnlessCancelled(c, items)) return visible;
    if (attempt < ATTEMPTS - 1) await sleep(Math.min(200, 10 * 2 ** attempt) * Math.random());
  }
  throw new ProblemError('conflict', 'The install is being changed by another request; try again.');
}

/**
 * The latest summaries that carry (or, reactivating, should carry) the expiring report's keys.
 * Retiring, also a check of every other license-state type's latest summary as read (none, or
 * one without expiries): an upload committed between this read and the transaction may have
 * written one with them, which the transaction would leave in the expiring report. (While the
 * install is retired no upload commits, and the transaction checks the status it read, so
 * reactivating needs no such check.)
 */
async function expiringIndexChanges(c: Clients, installId: string, restore: boolean): Promise<TransactItems> {
  const latest = await queryAll(c, { keys: baseTable, partition: itemKeys.install(installId).PK, sortKey: { op: 'begins_with', value: itemPrefixes.latest }, consistent: true });
  const withExpiries = latest.filter((item) => typeof item.expiriesJson === 'string');
  const unchanged: TransactItems = restore
    ? []
    : licenseStateQueryTypes
        .filter((queryType) => !withExpiries.some((item) => item.queryType === queryType))
        .map((queryType) => {
          const read = latest.find((item) => item.queryType === queryType);
          return {
            ConditionCheck: {
              TableName: c.config.tableName,
              Key: itemKeys.latest(installId, queryType),
              ...(read
                ? { ConditionExpression: 'uploadId = :uploadId', ExpressionAttributeValues: { ':uploadId': read.uploadId } }
                : { ConditionExpression: 'attribute_not_exists(PK)' }),
            },
          };
        });
  const expiring = withExpiries.map((item) => {
    const keys = restore ? expiringIndexOf(JSON.parse(item.expiriesJson as string), installId, item.queryType as QueryType) : {};
    const restoring = restore && Object.keys(keys).length > 0;
    const set = setClause(keys, 'e');
    return {
      Update: {
        TableName: c.config.tableName,
        Key: { PK: item.PK as string, SK: item.SK as string },
        UpdateExpression: restoring ? `SET ${set.expression}` : `REMOVE ${GSI2.partitionKey}, ${GSI2.sortKey}`,
        // An upload that replaced this summary meanwhile fails the transaction, which is retried.
        ConditionExpression: 'uploadId = :uploadId',
        ExpressionAttributeValues: { ':uploadId': item.uploadId, ...(restoring ? set.values : {}) },
        ...(restoring ? { ExpressionAttributeNames: set.names } : {}),
      },
    };
  });
  return [...unchanged, ...expiring];
}
