/**
 * The scheduled digest function (functions/handlers/publishDigest.ts): the digest is computed
 * against the real DynamoDB Local emulator, and published to SNS, which is mocked with
 * aws-sdk-client-mock: there is no SNS emulator in the local set-up. The mail's content for
 * seeded digests: test/unit/digestMail.test.ts; the topic and its grants: test/cdk/staffOps.test.ts.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { plainUploadJson } from '../../functions/domain/uploadJson.js';
import { handler } from '../../functions/handlers/publishDigest.js';
import { sampleUpload } from '../../functions/samples/sampleUploads.js';
import { acceptUpload } from '../../functions/services/acceptUpload.js';
import { digestInstallNames } from '../../functions/services/digest.js';
import { createClients, destroyClients, resetClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { createInstall } from '../../functions/store/installs.js';

const c = createClients(storageConfig());
const sns = mockClient(SNSClient);
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:mpa-licensing-test-digest';
beforeAll(() => {
  process.env.TOPIC_ARN = TOPIC_ARN;
});
afterAll(() => {
  sns.restore();
  delete process.env.TOPIC_ARN;
  destroyClients(c);
  resetClients();
});
beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
});

const DAY = 86_400_000;

it('publishes the digest of the day before now as a plain-text e-mail with the counts in its subject', async () => {
  // An install whose last upload turns two days old within the day before now.
  const name = `Silent site ${process.pid}`;
  const { install } = await createInstall(c, { customerId: `publish-${process.pid}`, name }, new Date(), 'tester');
  const at = new Date(Date.now() - 2.5 * DAY);
  const collectedAt = `${new Date(at.getTime() - 60_000).toISOString().slice(0, 19)}Z`;
  await acceptUpload(c, { installId: install.installId, queryType: 'user-counts', body: plainUploadJson(Buffer.from(JSON.stringify(sampleUpload('user-counts', { collectedAt })))), now: at });

  const published = await handler();
  const calls = sns.commandCalls(PublishCommand);
  expect(calls).toHaveLength(1);
  const input = calls[0]!.args[0].input;
  expect(input.TopicArn).toBe(TOPIC_ARN);
  expect(input.Subject).toMatch(/^MPA licensing digest \d{4}-\d{2}-\d{2}: \d+ over, \d+ expiring, [1-9]\d* stale$/);
  expect(input.Message).toContain(`install "${name}" (${install.installId}): last upload ${at.toISOString().slice(0, 10)}`);
  expect(input.Message).not.toContain('"newlyStale"');
  expect(published).toEqual({ asOf: expect.any(String), subject: input.Subject, messageId: 'message-1' });
});

it('a failed publish fails the run, so Lambda retries it', async () => {
  sns.on(PublishCommand).rejects(new Error('KMS.AccessDeniedException'));
  await expect(handler()).rejects.toThrow(/KMS/);
});

it("looks up the names of installs the digest names by id only; a deleted install's stays unnamed", async () => {
  const { install } = await createInstall(c, { customerId: `publish-${process.pid}`, name: 'Expiring site' }, new Date(), 'tester');
  const gone = '7f1e2d3c-4b5a-4697-8887-96a5b4c3d2e1';
  const names = await digestInstallNames(c, {
    asOf: new Date().toISOString(),
    overDeployment: [{ customerId: 'x', item: 'IPT users', installId: gone, entitled: 1, used: 2, peak: 2, overage: 1, status: 'over', overSince: null }],
    expiringWithin30Days: [{ installId: install.installId, customerId: 'x', devices: 1, containers: 0, firstUnlicensedOn: '2027-01-01' }],
    newlyStale: [],
  });
  expect([...names]).toEqual([[install.installId, 'Expiring site']]);
});
