/**
 * DELETE /v1/installs/{installId} (DESIGN.md §11): every trace of an install but its audit
 * entries. Resumable steps, each idempotent, so a purge killed at any point is finished by
 * running it again (the same request, or a retry):
 *  1. mark: the install item gets `deleting`, its key and directory entry go, it leaves the
 *     stale report, and the audit entry is written — one transaction, once;
 *  2. fleet: its latest summaries go, the fleet indexes let go of its identifiers (reading the
 *     raw devices snapshot they reflect, so before step 4), and its fleet state goes;
 *  3. items: upload log entries (upload sessions included, through their pointers), snapshots
 *     and anything else in the install's partition (license files included);
 *  4. raw: every raw object (and version) under raw/query=<type>/install=<id>/ — after the
 *     snapshots: an upload under way that matches one (a retry, a session) answers as its
 *     duplicate while the snapshot is there, and its archive, written again, would outlive a
 *     raw step taken before; once the snapshots are gone, its commit is refused and it deletes
 *     its own archive;
 *  5. forget: the install item goes with its customer's count, in one transaction.
 * An install already gone answers as done.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { installTarget } from '../domain/audit.js';
import { ProblemError } from '../domain/problems.js';
import { queryTypes } from '../domain/queries/index.js';
import { itemKeys, rawQueryPrefix, uploadIndexPartition } from '../domain/storageKeys.js';
import { auditPut } from '../store/audit.js';
import type { Clients } from '../store/clients.js';
import { batchDelete, isConditionFailure, transactUnlessFirstConditionFails } from '../store/dynamo.js';
import { baseTable, queryAll } from '../store/indexQueries.js';
import { customerCountUpdate, getInstall, type InstallItem } from '../store/installs.js';
import { deleteRawPrefix } from '../store/rawArchive.js';
import { table } from '../store/tableDefinition.js';
import { syncFleetIndexes } from './syncFleetIndexes.js';

/** Purges the install; answers whether there was anything to purge. */
export async function purgeInstall(c: Clients, installId: string, actor: string, now: Date): Promise<boolean> {
  let install = await getInstall(c, installId, true);
  if (!install) return false;
  // Marking checks the key read: a key rotated meanwhile is read again and deleted in its turn.
  for (let attempt = 0; !install.deleting && !(await mark(c, install, actor, now)); attempt++) {
    const again = await getInstall(c, installId, true);
    // Gone: a concurrent purge has run every step.
    if (!again) return true;
    if (attempt >= MARK_ATTEMPTS) throw new ProblemError('conflict', 'The install is being changed by another request; try again.');
    install = again;
  }
  await forgetFleet(c, installId);
  await deleteInstallItems(c, installId);
  for (const queryType of queryTypes) await deleteRawPrefix(c, rawQueryPrefix(queryType, installId));
  await forget(c, install);
  return true;
}

/** Times the mark is read and tried again after a key rotation, before 409. */
const MARK_ATTEMPTS = 5;

/**
 * Marks the install as being purged and deletes its key, as read: false when the install item
 * no longer is as read (a concurrent purge marked it, or a rotation changed its key), with
 * nothing written. A conflict with an upload's commit on the install item is tried again.
 */
async function mark(c: Clients, install: InstallItem, actor: string, now: Date): Promise<boolean> {
  const TableName = c.config.tableName;
  const lastSeen = table.indexes.installsByLastSeen;
  return transactUnlessFirstConditionFails(c, [
    {
      Update: {
        TableName,
        Key: itemKeys.install(install.installId),
        UpdateExpression: `SET deleting = :true REMOVE ${lastSeen.partitionKey}, ${lastSeen.sortKey}`,
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(deleting) AND keyHash = :keyHash',
        ExpressionAttributeValues: { ':true': true, ':keyHash': install.keyHash },
      },
    },
    { Delete: { TableName, Key: itemKeys.apiKey(install.keyHash) } },
    { Delete: { TableName, Key: itemKeys.installDirectory(install.installId) } },
    auditPut(c, { at: now.toISOString(), actor, action: 'install.delete', target: installTarget(install.installId), details: { customerId: install.customerId, name: install.name } }),
  ]);
}

async function forgetFleet(c: Clients, installId: string): Promise<void> {
  const partition = itemKeys.install(installId).PK;
  const latest = await queryAll(c, { keys: baseTable, partition, sortKey: { op: 'begins_with', value: 'LATEST#' }, projection: 'PK, SK', consistent: true });
  await batchDelete(c, latest.map((item) => ({ PK: item.PK as string, SK: item.SK as string })));
  // With no latest snapshots, a sync removes every identifier and version the install held.
  await syncFleetIndexes(c, installId);
  await batchDelete(c, [itemKeys.fleetState(installId)]);
}

async function deleteInstallItems(c: Clients, installId: string): Promise<void> {
  const partition = itemKeys.install(installId).PK;
  const uploads = await queryAll(c, { keys: table.indexes.uploadsByInstall, partition: uploadIndexPartition(installId), projection: 'PK, SK' });
  const own = await queryAll(c, { keys: baseTable, partition, projection: 'PK, SK, uploadId, licenseFileId', consistent: true });
  // A fleet state here was written after the fleet step by a sync under way (its take-back, marked
  // pending, cut short): one more sync clears what that one wrote, and its state, before it goes.
  if (own.some((item) => item.SK === itemKeys.fleetState(installId).SK)) await syncFleetIndexes(c, installId);
  const keys = new Map<string, { PK: string; SK: string }>();
  for (const item of uploads) keys.set(`${item.PK}|${item.SK}`, { PK: item.PK as string, SK: item.SK as string });
  for (const item of own) {
    if (item.SK === itemKeys.install(installId).SK) continue;
    keys.set(`${item.PK}|${item.SK}`, { PK: item.PK as string, SK: item.SK as string });
    // A snapshot names its upload log entry (the log's index holds accepted uploads only), and so
    // does an upload session's pointer (a session settled as a duplicate or a bundle, or never).
    if (typeof item.uploadId === 'string') {
      const upload = itemKeys.upload(item.uploadId);
      keys.set(`${upload.PK}|${upload.SK}`, upload);
    }
    // A license file is also stored by its id (GET /v1/license-files/{id}), outside the install's partition.
    if (typeof item.licenseFileId === 'string') {
      const byId = itemKeys.licenseFileById(item.licenseFileId);
      keys.set(`${byId.PK}|${byId.SK}`, byId);
    }
  }
  await batchDelete(c, [...keys.values()]);
}

async function forget(c: Clients, install: InstallItem): Promise<void> {
  const TableName = c.config.tableName;
  // Not deleted (false) when a concurrent purge forgot it: its count is already taken off.
  await transactUnlessFirstConditionFails(c, [
    { Delete: { TableName, Key: itemKeys.install(install.installId), ConditionExpression: 'attribute_exists(PK)' } },
    customerCountUpdate(c, install.customerId, -1),
  ]);
  // The customer leaves the list with its last install (unless one was registered meanwhile).
  try {
    await c.ddb.send(
      new DeleteCommand({ TableName, Key: itemKeys.customer(install.customerId), ConditionExpression: 'installs <= :zero', ExpressionAttributeValues: { ':zero': 0 } }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}


