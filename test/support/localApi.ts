/**
 * Test helpers: the local API on a real HTTP server (port 0) against the emulators that
 * globalSetup started, and small clients for the calls most tests make.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { fleetIndexesIdle, startFleetIndexRunner, stopFleetIndexRunner } from '../../functions/local/fleetIndexRunner.js';
import { localControlPlaneEnvironment } from '../../functions/local/controlPlane.js';
import { createLocalServer, type LocalApiOptions } from '../../functions/local/localApi.js';

export { fleetIndexesIdle };
import type { QueryType } from '../../functions/domain/queries/index.js';
import { clients, resetClients } from '../../functions/store/clients.js';
import { sampleUpload, type SampleOptions } from '../../functions/samples/sampleUploads.js';
import { checkResponseAgainstOpenApi } from './openApiCheck.js';

export const staffKey = () => process.env.STAFF_API_KEY!;

export interface TestApi {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** The local API as `npm start` serves it; options add a request log or a rate limiter. */
export async function startTestApi(options: LocalApiOptions = {}): Promise<TestApi> {
  resetClients();
  startFleetIndexRunner();
  const server = createLocalServer(options);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  // The handlers flush this server's authorizer cache, as they flush the stage's on AWS.
  Object.assign(process.env, localControlPlaneEnvironment(`http://127.0.0.1:${port}`));
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: async () => {
      await stopFleetIndexRunner();
      server.closeAllConnections();
      server.close();
      resetClients();
    },
  };
}

export { clients };

export interface CallOptions {
  key?: string | undefined;
  body?: unknown;
  raw?: Buffer | string;
  headers?: Record<string, string>;
}

export interface CallResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export async function call<T = any>(api: TestApi, method: string, path: string, options: CallOptions = {}): Promise<CallResult<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  let body: Buffer | string | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(api.url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  // Every answer must be one the OpenAPI document describes; a mismatch fails the calling test.
  checkResponseAgainstOpenApi(method, path, response.status, response.headers.get('content-type'), parsed);
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

export interface TestInstall {
  installId: string;
  customerId: string;
  apiKey: string;
}

let installCounter = 0;
export async function createTestInstall(api: TestApi, customerId = `cust-${process.pid}-${++installCounter}`): Promise<TestInstall> {
  const result = await call(api, 'POST', '/v1/installs', { key: staffKey(), body: { customerId, name: `Install ${installCounter}` } });
  if (result.status !== 201) throw new Error(`create install: ${result.status} ${result.text}`);
  return { installId: result.body.installId, customerId, apiKey: result.body.apiKey };
}

export function upload(api: TestApi, install: TestInstall, queryType: QueryType, envelope: unknown, options: { gzip?: boolean } = {}) {
  const json = Buffer.from(JSON.stringify(envelope));
  return call(api, 'POST', `/v1/uploads/${queryType}`, {
    key: install.apiKey,
    raw: options.gzip ? gzipSync(json) : json,
    headers: { 'content-type': 'application/json', ...(options.gzip ? { 'content-encoding': 'gzip' } : {}) },
  });
}

export function sample(queryType: QueryType, options: SampleOptions = {}) {
  return sampleUpload(queryType, options);
}

