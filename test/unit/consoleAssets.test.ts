/**
 * The console's static files as the Lambda behind /console on AWS answers them (the local
 * server answers through the same consoleAsset): only the built files, the security headers on
 * every answer, a relative redirect that holds behind a stage prefix.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { buildConsole } from '../../scripts/buildConsole.js';

let dir: string;
let handler: (event: APIGatewayProxyEvent) => Promise<{ statusCode: number; headers?: Record<string, unknown>; body: string }>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'console-'));
  await buildConsole(join(dir, 'console'));
  process.env.CONSOLE_ASSETS_DIR = join(dir, 'console');
  ({ handler } = (await import('../../functions/console/assetHandler.js')) as any);
});
afterAll(async () => {
  delete process.env.CONSOLE_ASSETS_DIR;
  await rm(dir, { recursive: true, force: true });
});

const event = (resource: string, path: string, file?: string) => ({ resource, path, pathParameters: file === undefined ? null : { file } }) as unknown as APIGatewayProxyEvent;

test('index, script, style sheet and icon with their types and the security headers', async () => {
  for (const [e, type] of [
    [event('/console/{file}', '/console/index.html', 'index.html'), 'text/html'],
    [event('/console/{file}', '/console/console.js', 'console.js'), 'text/javascript'],
    [event('/console/{file}', '/console/console.css', 'console.css'), 'text/css'],
    [event('/console/{file}', '/console/favicon.svg', 'favicon.svg'), 'image/svg+xml'],
  ] as const) {
    const answer = await handler(e);
    expect(answer.statusCode).toBe(200);
    expect(String(answer.headers!['content-type'])).toContain(type);
    expect(answer.headers!['content-security-policy']).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    expect(answer.headers!['strict-transport-security']).toMatch(/max-age/);
    expect(answer.body.length).toBeGreaterThan(100);
  }
});

test('/console redirects to console/ (relative: behind a stage prefix too); other names are 404', async () => {
  const redirect = await handler(event('/console', '/console'));
  expect(redirect.statusCode).toBe(301);
  expect(redirect.headers!.location).toBe('console/');
  const index = await handler(event('/console', '/console/'));
  expect([index.statusCode, index.body]).toEqual([200, expect.stringContaining('<script type="module" src="console.js">')]);
  for (const file of ['..', '.env', 'console.js.map', 'index.html/x', 'dist']) expect((await handler(event('/console/{file}', `/console/${file}`, file))).statusCode).toBe(404);
});
