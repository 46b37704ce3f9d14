/**
 * A 100,000-device devices upload through an upload session, end to end against s3rver:
 * session over HTTP, real presigned PUT, the processor Lambda handler given the S3 → SQS
 * message. Timings are printed.
 *
 * The local fleet index runner (a background sync after each devices snapshot) is stopped
 * here: for 100,000 devices it writes one item per identifier, minutes of work on DynamoDB
 * Local that is not what this test is about.
 */
import { gzipSync } from 'node:zlib';
import { putPresigned } from '../../functions/cli/apiClient.js';
import { stopFleetIndexRunner } from '../../functions/local/fleetIndexRunner.js';
import { incomingKey } from '../../functions/sessions/incomingKeys.js';
import { call, createTestInstall, sample, startTestApi, staffKey, type TestApi } from '../support/localApi.js';
import { minutesAgo } from '../support/time.js';
import { deliverObjectCreated } from '../support/processorHook.js';

const MiB = 1024 * 1024;
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
  await stopFleetIndexRunner();
});
afterAll(() => api.close());

it('takes a 100,000-device upload through a session', async () => {
  const install = await createTestInstall(api);
  const envelope = sample('devices', { devices: 100_000, collectedAt: minutesAgo(47) });
  const json = Buffer.from(JSON.stringify(envelope));
  const started = performance.now();
  const body = gzipSync(json);
  const session = await call(api, 'POST', '/v1/upload-sessions', {
    key: install.apiKey,
    body: { kind: 'query', queryType: 'devices', contentLength: body.length, contentEncoding: 'gzip' },
  });
  expect(session.status).toBe(201);
  await putPresigned(session.body, body);
  const uploaded = performance.now();
  expect(await deliverObjectCreated(incomingKey(session.body.uploadId))).toEqual({ batchItemFailures: [] });
  const processed = performance.now();

  const status = await call(api, 'GET', `/v1/uploads/${session.body.uploadId}`, { key: install.apiKey });
  expect(status.body).toMatchObject({ status: 'accepted', receipt: { uploadId: session.body.uploadId, recordCount: 100_000 } });
  const shown = await call(api, 'GET', `/v1/installs/${install.installId}`, { key: staffKey() });
  expect(shown.body.queries.devices).toMatchObject({ recordCount: 100_000, summary: { total: 100_000 } });
  console.log(
    `100,000 devices through a session: ${(json.length / MiB).toFixed(1)} MiB JSON, ${(body.length / MiB).toFixed(1)} MiB gzip; ` +
      `gzip + session + PUT ${Math.round(uploaded - started)} ms, processing ${Math.round(processed - uploaded)} ms`,
  );
});
