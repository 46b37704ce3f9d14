/** The API's hints for natural upload mistakes (the staff issue, item 6), over real HTTP. */
import { gzipSync } from 'node:zlib';
import { queryTypes } from '../../functions/domain/queries/index.js';
import { call, sample } from '../support/localApi.js';
import { useApiWithInstall } from '../support/apiFixture.js';
import { minutesAgo } from '../support/time.js';

const t = useApiWithInstall();

const post = (raw: Buffer | string, headers: Record<string, string> = {}, queryType = 'devices') =>
  call(t.api, 'POST', `/v1/uploads/${queryType}`, { key: t.install.apiKey, raw, headers: { 'content-type': 'application/json', ...headers } });

const envelope = () => sample('devices', { collectedAt: minutesAgo(5) });

it('a CSV body: CSV belongs in a bundle', async () => {
  const answer = await post('deviceId,deviceType,arid\nd1,phone,A1\n');
  expect(answer.status).toBe(400);
  expect(answer.body.detail).toMatch(/CSV.*bundle/);
  expect((await post('x', { 'content-type': 'text/csv' })).body.detail).toMatch(/CSV exports belong in an offline bundle/);
});

it('a bare array: it needs the envelope', async () => {
  const answer = await post(JSON.stringify(envelope().records));
  expect(answer.status).toBe(400);
  expect(answer.body.detail).toContain('{schemaVersion, collectedAt, mpaVersion, records}');
  const gzipped = await post(gzipSync(JSON.stringify(envelope().records)), { 'content-encoding': 'gzip' });
  expect(gzipped.body.detail).toContain('{schemaVersion, collectedAt, mpaVersion, records}');
});

it('gzip without Content-Encoding: add it', async () => {
  const answer = await post(gzipSync(JSON.stringify(envelope())));
  expect(answer.status).toBe(400);
  expect(answer.body.detail).toContain('Content-Encoding: gzip');
});

it('a zip body: POST it to /v1/bundles', async () => {
  const answer = await post(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
  expect(answer.status).toBe(415);
  expect(answer.body.detail).toContain('/v1/bundles');
});

it('an unknown query type: lists the twelve', async () => {
  const answer = await post(JSON.stringify(envelope()), {}, 'device');
  expect(answer.status).toBe(404);
  for (const queryType of queryTypes) expect(answer.body.detail).toContain(queryType);
});

it('a good body still passes', async () => {
  expect((await post(JSON.stringify(envelope()))).status).toBe(201);
});
