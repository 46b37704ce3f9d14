/**
 * Key rotation (POST /v1/installs/{installId}/keys) with DynamoDB failing, timing out or
 * hanging at each step. Whatever happened, exactly one key of the install works at any
 * moment (the old one until the rotation committed, the new one after), and the client's
 * retry ends with the key it was shown working and every earlier key refused.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { authenticate } from '../../functions/auth/authenticate.js';
import { createClients, type Clients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { createInstall, getInstall, rotateInstallKey } from '../../functions/store/installs.js';
import { faultCases, StepFaults, traceSteps } from '../support/faultSteps.js';

const healthy = createClients(storageConfig());
afterAll(() => {
  destroyClients(healthy);
});

const env = {} as NodeJS.ProcessEnv;
const installOf = async (key: string) => {
  const caller = await authenticate(healthy, `Bearer ${key}`, env);
  return caller?.role === 'install' ? caller.installId : undefined;
};

async function keyItemsOf(c: Clients, installId: string): Promise<number> {
  let count = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await c.ddb.send(
      new ScanCommand({
        TableName: c.config.tableName,
        FilterExpression: '#type = :key AND installId = :id',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':key': 'key', ':id': installId },
        ExclusiveStartKey,
      }),
    );
    count += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return count;
}

async function newInstall() {
  const { install, apiKey } = await createInstall(healthy, { customerId: 'rotation-faults', name: 'Rotation' }, new Date());
  return { installId: install.installId, apiKey };
}

const traced = await newInstall();
const steps = await traceSteps((c) => rotateInstallKey(c, traced.installId, new Date()));

it('rotation reads the install and commits one transaction', () => {
  expect(steps.map((s) => s.command)).toEqual(['GetItemCommand', 'TransactWriteItemsCommand']);
});

describe('rotating a key with a fault at each step', () => {
  it.each(faultCases(steps))('%s: one working key at any moment; the retried rotation leaves only the new key', async (_name, step, mode) => {
    const { installId, apiKey: oldKey } = await newInstall();
    const faulty = new StepFaults(createClients(storageConfig())).failAt(step, mode);
    const outcome = await faulty.run(() => rotateInstallKey(faulty.clients, installId, new Date()));
    faulty.dispose();
    expect('value' in outcome).toBe(false);

    // The rotation committed only if the fault came after the transaction reached DynamoDB.
    const committed = mode === 'timeout-after-send' && faulty.fired?.command === 'TransactWriteItemsCommand';
    expect(await installOf(oldKey)).toBe(committed ? undefined : installId);
    expect(await keyItemsOf(healthy, installId)).toBe(1);
    const stored = await getInstall(healthy, installId, true);
    expect(stored?.keyHash).toBeDefined();

    // The client never saw a new key, so it retries.
    const newKey = await rotateInstallKey(healthy, installId, new Date());
    expect(await installOf(newKey)).toBe(installId);
    expect(await installOf(oldKey)).toBeUndefined();
    expect(await keyItemsOf(healthy, installId)).toBe(1);
  });
});

it('racing rotations leave exactly one working key and one key item', async () => {
  const { installId, apiKey: oldKey } = await newInstall();
  const settled = await Promise.allSettled(Array.from({ length: 6 }, () => rotateInstallKey(healthy, installId, new Date())));
  const issued = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  // A rotation that lost every attempt answers 409; none may fail otherwise.
  for (const s of settled) if (s.status === 'rejected') expect(s.reason).toMatchObject({ code: 'conflict' });
  expect(issued.length).toBeGreaterThan(0);
  const working = [];
  for (const key of [oldKey, ...issued]) if ((await installOf(key)) === installId) working.push(key);
  expect(working).toHaveLength(1);
  expect(await keyItemsOf(healthy, installId)).toBe(1);
});
