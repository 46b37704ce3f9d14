/**
 * The S3-event processor of upload sessions with S3 or DynamoDB failing, timing out or
 * hanging at each step, for a query session and a bundle session, including after the raw
 * write and before the log commit. A failed or frozen invocation is followed by redelivery
 * of the same event (as SQS would after the visibility timeout), then by a stray duplicate.
 * Whatever the session shows is durable when it shows it, and in the end the upload is
 * stored exactly once, the session is settled and the incoming object is gone.
 */
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import type { Receipt } from '../../functions/domain/receipts.js';
import { processIncomingObject } from '../../functions/services/processIncoming.js';
import { createUploadSession } from '../../functions/services/uploadSessions.js';
import { incomingKey } from '../../functions/sessions/incomingKeys.js';
import { createClients, type Clients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { getUploadSession } from '../../functions/store/uploadSessions.js';
import { sampleBundle } from '../support/bundles.js';
import { expectDurable, expectExactlyOnce, newInstall, sampleJson } from '../support/exactlyOnce.js';
import { minutesAgo } from '../support/time.js';
import { faultCases, StepFaults, traceSteps, withoutRepeatedReads } from '../support/faultSteps.js';
import { ProblemError } from '../../functions/domain/problems.js';
import { interceptSdkCalls } from '../support/sdkCalls.js';
import { s3Of } from '../../functions/store/s3Client.js';

const healthy = createClients(storageConfig());
afterAll(() => {
  destroyClients(healthy);
});

type Kind = 'query' | 'bundle';

/** An install with a session whose object is in the incoming bucket, ready for its event. */
async function sessionWithObject(kind: Kind) {
  const installId = await newInstall(healthy, `processor ${kind}`);
  const collectedAt = minutesAgo(20);
  const body =
    kind === 'query'
      ? gzipSync(sampleJson('devices', collectedAt))
      : await sampleBundle({ installId, collectedAt, queryTypes: ['devices', 'user-counts'], devices: 12 });
  const request =
    kind === 'query'
      ? ({ kind, queryType: 'devices', contentLength: body.length, contentEncoding: 'gzip' } as const)
      : ({ kind, contentLength: body.length } as const);
  const session = await createUploadSession(healthy, { installId, request, now: new Date() });
  const key = incomingKey(session.uploadId);
  await s3Of(healthy).send(
    new PutObjectCommand({
      Bucket: healthy.config.incomingBucket,
      Key: key,
      Body: body,
      ContentType: kind === 'query' ? 'application/json' : 'application/zip',
      ...(kind === 'query' ? { ContentEncoding: 'gzip' } : {}),
    }),
  );
  return { installId, uploadId: session.uploadId, event: { bucket: healthy.config.incomingBucket, key } };
}

/** The receipts a session shows; each must be durable the moment it is shown. */
async function shownReceipts(c: Clients, uploadId: string): Promise<{ status: string; receipts: Receipt[] }> {
  const session = await getUploadSession(c, uploadId);
  const receipts = [...(session?.receipt ? [session.receipt] : []), ...(session?.bundle?.results ?? []).flatMap((r) => (r.receipt ? [r.receipt] : []))];
  for (const receipt of receipts) await expectDurable(c, receipt);
  return { status: session?.status ?? 'missing', receipts };
}

async function incomingExists(key: string): Promise<boolean> {
  return s3Of(healthy).send(new HeadObjectCommand({ Bucket: healthy.config.incomingBucket, Key: key })).then(
    () => true,
    () => false,
  );
}

describe.each<Kind>(['query', 'bundle'])('a %s session', (kind) => {
  let steps: Awaited<ReturnType<typeof traceSteps>> = [];
  beforeAll(async () => {
    const traced = await sessionWithObject(kind);
    steps = await traceSteps((c) => processIncomingObject(c, traced.event));
  });

  it('is processed in a known sequence of steps, the raw write before the log commit', () => {
    const commands = steps.map((s) => s.command);
    expect(commands.indexOf('PutObjectCommand')).toBeLessThan(commands.indexOf('TransactWriteItemsCommand'));
    expect(commands.at(-1)).toBe('DeleteObjectCommand');
  });

  // The cases are made from the trace, which needs the emulators: one test walks them all.
  it('with a fault at each step: redelivery settles it once, and nothing is shown before it is durable', async () => {
    const cases = faultCases(withoutRepeatedReads(steps));
    expect(cases.length).toBeGreaterThan(kind === 'query' ? 12 : 24);
    for (const [name, step, mode] of cases) {
      const { installId, uploadId, event } = await sessionWithObject(kind);
      const faulty = new StepFaults(createClients(storageConfig())).failAt(step, mode);
      const outcome = await faulty.run(() => processIncomingObject(faulty.clients, event));
      faulty.dispose();
      expect({ name, fired: faulty.fired?.step }).toEqual({ name, fired: step });
      expect({ name, failed: !('value' in outcome) }).toEqual({ name, failed: true });
      await shownReceipts(healthy, uploadId);

      // SQS redelivers the message; then a stray duplicate of it arrives.
      const redelivered = await processIncomingObject(healthy, event);
      expect({ name, outcome: redelivered.outcome }).toEqual({ name, outcome: expect.stringMatching(/^(accepted|duplicate|already-settled)$/) });
      expect((await processIncomingObject(healthy, event)).outcome).toBe('already-settled');

      const shown = await shownReceipts(healthy, uploadId);
      expect({ name, status: shown.status, receipts: shown.receipts.length }).toEqual({ name, status: 'accepted', receipts: kind === 'query' ? 1 : 2 });
      expect({ name, incoming: await incomingExists(event.key) }).toEqual({ name, incoming: false });
      await expectExactlyOnce(healthy, installId, shown.receipts);
    }
  });
});

it('a query session whose archive write is throttled (its key kept busy past the wait) is not rejected: redelivered, it is accepted', async () => {
  const { installId, uploadId, event } = await sessionWithObject('query');
  const c = createClients(storageConfig());
  let throttled = 0;
  // As createOnly answers when another write of the same archive outlasts its wait.
  const busy = interceptSdkCalls(c, async ({ command }, send) => {
    if (command !== 'PutObjectCommand' || throttled > 0) return send();
    throttled++;
    throw new ProblemError('throttled', 'Another upload of the same snapshot is being stored; retry after 1 s.', undefined, { 'retry-after': '1' });
  });
  try {
    await expect(processIncomingObject(c, event)).rejects.toMatchObject({ code: 'throttled' });
  } finally {
    busy.remove();
    destroyClients(c);
  }
  expect(throttled).toBe(1);
  expect((await getUploadSession(healthy, uploadId))?.status).toBe('pending');
  expect(await incomingExists(event.key)).toBe(true);
  const redelivered = await processIncomingObject(healthy, event);
  expect(redelivered.outcome).toBe('accepted');
  const shown = await shownReceipts(healthy, uploadId);
  expect(shown.status).toBe('accepted');
  await expectExactlyOnce(healthy, installId, shown.receipts);
});
