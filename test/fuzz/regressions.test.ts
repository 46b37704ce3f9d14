/**
 * Regression tests for the defects the fuzzer found (docs/reliability.md lists them):
 * 1. query parameters named like Object.prototype members (`constructor`, `toString`,
 *    `__proto__`) made the local API fail with 500;
 * 2. a forged list cursor naming only part of a start key, or values DynamoDB refuses (empty,
 *    outside the key condition), made DynamoDB fail (500);
 * 3. a request target `//` made the local API fail (500), and `//host/health` was routed
 *    to /health;
 * 4. bytes that are not HTTP got Node's bare 400 instead of a problem document;
 * 5. a client that went away mid-body was logged as a local API failure.
 */
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { proxyEvent } from '../../functions/local/apiGatewayEvent.js';
import { routes } from '../../functions/routes.js';
import { call, createTestInstall, sample, startTestApi, staffKey, type TestApi, upload } from '../support/localApi.js';
import { minutesAgo } from '../support/time.js';
import { rawRequest, rawSocketRequest } from '../support/rawHttp.js';
import { requestUrl } from '../../functions/local/localApi.js';
import { sleep } from '../../functions/store/dynamo.js';
import { once } from 'node:events';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('query parameters and headers named like prototype members', () => {
  it('become own properties of the event, and Object.prototype is untouched', () => {
    const url = requestUrl('/v1/reports/stale?constructor=a&__proto__=b&toString=c&days=1&days=2');
    const req = { method: 'GET', httpVersion: '1.1', socket: { remoteAddress: '127.0.0.1' }, headersDistinct: Object.fromEntries([['__proto__', ['x']], ['constructor', ['y']], ['accept', ['a', 'b']]]) } as unknown as IncomingMessage;
    const route = routes.find((r) => r.handler === 'getStaleReport')!;
    const event = proxyEvent(req, url, { route, pathParameters: {} }, Buffer.alloc(0), null);
    expect(Object.getPrototypeOf(event.queryStringParameters)).toBe(Object.prototype);
    expect(Object.entries(event.queryStringParameters!)).toEqual([['constructor', 'a'], ['__proto__', 'b'], ['toString', 'c'], ['days', '2']]);
    expect(Object.entries(event.multiValueQueryStringParameters!)).toEqual([['constructor', ['a']], ['__proto__', ['b']], ['toString', ['c']], ['days', ['1', '2']]]);
    expect(Object.entries(event.headers)).toEqual([['__proto__', 'x'], ['constructor', 'y'], ['accept', 'b']]);
    expect(Object.getPrototypeOf(event.multiValueHeaders)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).days).toBeUndefined();
  });

  it.each(['/health?__proto__=x&toString=y', '/v1/reports/stale?constructor=x&days=2', '/v1/reports/versions?hasOwnProperty=x&valueOf=1'])('GET %s answers 200', async (path) => {
    expect((await call(api, 'GET', path, { key: staffKey() })).status).toBe(200);
  });
});

describe('forged list cursors', () => {
  it('that name only part of a start key, or values DynamoDB refuses, are a 400 on cursor, not a DynamoDB failure', async () => {
    const install = await createTestInstall(api);
    await upload(api, install, 'devices', sample('devices', { collectedAt: minutesAgo(3) }));
    const forged = [
      [`/v1/installs/${install.installId}/uploads`, { GSI1PK: `INSTALL#${install.installId}` }],
      [`/v1/installs/${install.installId}/uploads`, { GSI1PK: `INSTALL#${install.installId}`, GSI1SK: 'z' }],
      ['/v1/reports/stale', { GSI2PK: 'INSTALLS', GSI2SK: '0' }],
      ['/v1/reports/duplicate-identifiers', { PK: 'x', GSI1PK: 'DUPLICATES' }],
      ['/v1/reports/expiring', {}],
      // Every key named, but values DynamoDB refuses: empty, or outside the listing's key condition.
      [`/v1/installs/${install.installId}/uploads`, { PK: '', SK: '', GSI1PK: `INSTALL#${install.installId}`, GSI1SK: '' }],
      ['/v1/reports/stale', { PK: 'INSTALL#x', SK: 'INSTALL', GSI2PK: 'INSTALLS', GSI2SK: '~~~~' }],
      ['/v1/reports/stale', { PK: '', SK: '', GSI2PK: 'INSTALLS', GSI2SK: '' }],
      ['/v1/reports/duplicate-identifiers', { PK: '', SK: 'x', GSI1PK: 'DUPLICATES', GSI1SK: 'y' }],
    ] as const;
    for (const [path, cursor] of forged) {
      const answer = await call(api, 'GET', `${path}?cursor=${cursorOf(cursor)}`, { key: staffKey() });
      expect({ path, cursor, status: answer.status, errors: answer.body.errors }).toEqual({ path, cursor, status: 400, errors: [{ path: 'cursor', message: 'is invalid' }] });
    }
  });

  it('of one listing are a 400 on cursor in another that reads the same GSI', async () => {
    // Listings that share a GSI (functions/store/tableDefinition.ts) are kept apart by their partitions alone.
    const install = await createTestInstall(api);
    await createTestInstall(api);
    for (const minutes of [3, 2]) await upload(api, install, 'devices', sample('devices', { collectedAt: minutesAgo(minutes) }));
    const cursorFrom = async (path: string) => {
      const answer = await call(api, 'GET', path, { key: staffKey() });
      expect({ path, status: answer.status, cursor: typeof answer.body.nextCursor }).toEqual({ path, status: 200, cursor: 'string' });
      return answer.body.nextCursor as string;
    };
    const uploads = await cursorFrom(`/v1/installs/${install.installId}/uploads?limit=1`);
    const devicesUploads = await cursorFrom(`/v1/installs/${install.installId}/uploads?queryType=devices&limit=1`);
    const stale = await cursorFrom('/v1/reports/stale?limit=1');
    const elsewhere: [string, string][] = [
      ['/v1/reports/duplicate-identifiers', uploads], // GSI1
      ['/v1/reports/stale', devicesUploads], // GSI2
      [`/v1/installs/${install.installId}/uploads?queryType=devices`, stale], // GSI2
      [`/v1/installs/${install.installId}/uploads?queryType=probes`, devicesUploads], // GSI2, another partition of the same index
    ];
    for (const [path, cursor] of elsewhere) {
      const answer = await call(api, 'GET', `${path}${path.includes('?') ? '&' : '?'}cursor=${cursor}`, { key: staffKey() });
      expect({ path, status: answer.status, errors: answer.body.errors }).toEqual({ path, status: 400, errors: [{ path: 'cursor', message: 'is invalid' }] });
    }
  });
});

describe('request targets', () => {
  it('`//` is a path that no route has (404), not a failure', async () => {
    const answer = await rawRequest(api.url, { method: 'PUT', path: '//' });
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ code: 'not_found' });
  });

  it('`//host/health` is not /health on another host', async () => {
    expect(requestUrl('//evil.example/health').pathname).toBe('//evil.example/health');
    expect((await rawRequest(api.url, { method: 'GET', path: '//evil.example/health' })).status).toBe(404);
  });
});

describe('bytes that are not HTTP', () => {
  it.each([
    ['a bad request line', 'GET\r\n\r\n', 400, 'validation_failed'],
    ['a header without a colon', 'GET /health HTTP/1.1\r\nHost: x\r\nbroken\r\n\r\n', 400, 'validation_failed'],
    ['headers over 16 KiB', `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`, 413, 'payload_too_large'],
  ])('%s → a problem document', async (_name, bytes, status, code) => {
    const answer = await rawSocketRequest(api.url, Buffer.from(bytes, 'latin1'));
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.json).toMatchObject({ status, code });
  });
});

it('a client that goes away in the middle of its body is not logged as a failure', async () => {
  const errors: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void errors.push(args);
  try {
    // The test API's server runs in this process: its console.error is the one replaced above.
    const install = await createTestInstall(api);
    const socket = connect(Number(new URL(api.url).port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write(`POST /v1/uploads/devices HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${install.apiKey}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"sche`);
    await sleep(100);
    socket.destroy();
    await sleep(200);
    expect(errors).toEqual([]);
  } finally {
    console.error = original;
  }
});
