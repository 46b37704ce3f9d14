/**
 * acceptUpload against the emulators with S3 or DynamoDB failing at each step: a receipt
 * only for durable data, and after a retry every snapshot is stored exactly once.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ProblemError } from '../../functions/domain/problems.js';
import { acceptUpload } from '../../functions/services/acceptUpload.js';
import { createClients, type Clients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { createInstall } from '../../functions/store/installs.js';
import { listLatest } from '../../functions/store/uploadLog.js';
import { table } from '../../functions/store/tableDefinition.js';
import { uploadIndexPartition } from '../../functions/domain/storageKeys.js';
import { sampleUpload as sample } from '../../functions/samples/sampleUploads.js';
import { minutesAgo } from '../support/time.js';
import { injectFaults, type FaultPlan } from '../support/faults.js';
import { s3Of } from '../../functions/store/s3Client.js';
import { plainUploadJson } from '../../functions/domain/uploadJson.js';

async function stored(c: Clients, installId: string) {
  const objects = await s3Of(c).send(new ListObjectsV2Command({ Bucket: c.config.rawBucket, Prefix: 'raw/' }));
  const raw = (objects.Contents ?? []).filter((o) => o.Key!.includes(`/install=${installId}/`)).length;
  const items = await c.ddb.send(new QueryCommand({ TableName: c.config.tableName, IndexName: table.indexes.uploadsByInstall.indexName, KeyConditionExpression: `${table.indexes.uploadsByInstall.partitionKey} = :pk`, ExpressionAttributeValues: { ':pk': uploadIndexPartition(installId) } }));
  const latest = await listLatest(c, installId);
  return { raw, log: items.Count ?? 0, latest: latest.length };
}

/** Devices enough for an archive of over 1 MiB, which travels as a multipart upload during validation. */
const LARGE = 25_000;

const steps: [string, FaultPlan, number][] = [
  ['reading the install', { command: 'GetItemCommand' }, 30],
  ['writing the raw object', { command: 'PutObjectCommand' }, 30],
  ['after the raw object was written', { command: 'PutObjectCommand', afterSend: true }, 30],
  ['committing the transaction', { command: 'TransactWriteItemsCommand' }, 30],
  ['after the transaction committed (answer lost)', { command: 'TransactWriteItemsCommand', afterSend: true }, 30],
  ['starting a large archive', { command: 'CreateMultipartUploadCommand' }, LARGE],
  ['sending a large archive', { command: 'UploadPartCommand' }, LARGE],
  ['completing a large archive', { command: 'CompleteMultipartUploadCommand' }, LARGE],
  ['after a large archive was completed (answer lost)', { command: 'CompleteMultipartUploadCommand', afterSend: true }, LARGE],
  ['committing the transaction of a large upload', { command: 'TransactWriteItemsCommand' }, LARGE],
];

describe.each(steps)('a fault %s', (_name, plan, devices) => {
  it('gives no receipt, and a retry stores the snapshot exactly once', async () => {
    const healthy = createClients(storageConfig());
    const { install } = await createInstall(healthy, { customerId: 'faults', name: 'Faults' }, new Date());
    const faulty = createClients(storageConfig());
    const { calls } = injectFaults(faulty, [plan]);
    const json = Buffer.from(JSON.stringify(sample('devices', { devices, collectedAt: minutesAgo(2) })));
    const input = { installId: install.installId, queryType: 'devices' as const, body: plainUploadJson(json), now: new Date() };

    await expect(acceptUpload(faulty, input)).rejects.toThrow(/injected fault/);
    expect(calls[plan.command]).toBe(1);
    const afterFault = await stored(healthy, install.installId);
    // Nothing is visible in the log or the summaries unless the transaction committed.
    if (!plan.afterSend || plan.command !== 'TransactWriteItemsCommand') expect({ log: afterFault.log, latest: afterFault.latest }).toEqual({ log: 0, latest: 0 });

    const retried = await acceptUpload(faulty, input);
    expect(retried.receipt.recordCount).toBe(devices);
    expect(retried.status).toBe(plan.afterSend && plan.command === 'TransactWriteItemsCommand' ? 200 : 201);
    expect(await stored(healthy, install.installId)).toEqual({ raw: 1, log: 1, latest: 1 });
    destroyClients(healthy);
    destroyClients(faulty);
  });
});

it('keeps failing validation free of side effects', async () => {
  const c = createClients(storageConfig());
  const { install } = await createInstall(c, { customerId: 'faults', name: 'Invalid' }, new Date());
  const { calls } = injectFaults(c, []);
  const json = Buffer.from(JSON.stringify({ ...sample('devices'), records: [{ deviceId: 1 }] }));
  await expect(acceptUpload(c, { installId: install.installId, queryType: 'devices', body: plainUploadJson(json), now: new Date() })).rejects.toBeInstanceOf(ProblemError);
  expect(Object.keys(calls)).toEqual(['GetItemCommand']);
});
