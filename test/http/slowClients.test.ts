/**
 * Slow clients (a slowloris): the local server drops a connection whose headers or body are still
 * arriving after API Gateway's 29 s, instead of holding it for Node's defaults (60 s for
 * headers, and the two minutes per request it had). The bounds are loose: only the order
 * matters (after 29 s, well before 60 s), not the speed of the machine.
 */
import { once } from 'node:events';
import { connect } from 'node:net';
import { REQUEST_TIMEOUT_MS } from '../../functions/local/localApi.js';
import { startTestApi, type TestApi } from '../support/localApi.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

it('times requests out as API Gateway does', () => {
  expect(REQUEST_TIMEOUT_MS).toBe(29_000);
  expect(api.server.headersTimeout).toBe(REQUEST_TIMEOUT_MS);
  expect(api.server.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
});

/** Seconds until the server closes a connection that sends `start` and then a byte every 2 s. */
async function heldFor(start: string, drip: string): Promise<number> {
  const { port } = new URL(api.url);
  const socket = connect({ host: '127.0.0.1', port: Number(port) });
  await once(socket, 'connect');
  const started = performance.now();
  socket.on('error', () => undefined);
  socket.resume();
  socket.write(start);
  const timer = setInterval(() => socket.writable && socket.write(drip), 2000);
  const guard = setTimeout(() => socket.destroy(), 70_000);
  await once(socket, 'close');
  clearInterval(timer);
  clearTimeout(guard);
  return (performance.now() - started) / 1000;
}

it.concurrent.each([
  ['headers', 'GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ', 'a'],
  ['a body', 'POST /v1/uploads/devices HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{', ' '],
])('drops a client still sending its %s after 29 s', async (_label, start, drip) => {
  const seconds = await heldFor(start, drip);
  expect(seconds).toBeGreaterThanOrEqual(28);
  expect(seconds).toBeLessThan(55);
}, 90_000);
