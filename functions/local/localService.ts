/**
 * The whole service on one machine: emulators, table and buckets, staff key, and the local
 * API on an HTTP server. `bin/server.ts` runs it for `npm start`; tests start it in-process.
 */
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { generateApiKey } from '../domain/apiKeys.js';
import { clients, resetClients, type Clients } from '../store/clients.js';
import { type Emulators, startEmulators } from './emulators.js';
import { localApi } from './localApi.js';
import { provisionStorage } from './provision.js';

export interface LocalServiceOptions {
  host: string;
  port: number;
  dataDir: string;
  log?: (line: string) => void;
}

export interface LocalService {
  url: string;
  /** Where the staff key came from: the environment or a file under the data directory. */
  staffKeySource: string;
  clients: Clients;
  emulators: Emulators;
  server: Server;
  stop(): Promise<void>;
}

/** The staff key: STAFF_API_KEY if set, else one kept in `<dataDir>/staff-api-key` (made on first start). */
async function ensureStaffKey(dataDir: string): Promise<string> {
  if (process.env.STAFF_API_KEY) return 'the STAFF_API_KEY environment variable';
  const file = join(dataDir, 'staff-api-key');
  let key: string;
  try {
    key = (await readFile(file, 'utf8')).trim();
  } catch {
    key = generateApiKey('staff');
    await writeFile(file, `${key}\n`, { mode: 0o600 });
  }
  process.env.STAFF_API_KEY = key;
  return `the file ${file}`;
}

export async function startLocalService(options: LocalServiceOptions): Promise<LocalService> {
  const emulators = await startEmulators({ dataDir: options.dataDir });
  process.env.DYNAMODB_ENDPOINT = emulators.dynamoDbEndpoint;
  process.env.S3_ENDPOINT = emulators.s3Endpoint;
  process.env.TABLE_NAME ??= 'mpa-licensing';
  process.env.RAW_BUCKET ??= 'mpa-licensing-raw';
  process.env.INCOMING_BUCKET ??= 'mpa-licensing-incoming';
  resetClients();
  const c = clients();
  try {
    await provisionStorage(c);
  } catch (error) {
    await emulators.stop();
    throw error;
  }
  const staffKeySource = await ensureStaffKey(options.dataDir);

  const server = createServer({ requestTimeout: 120_000 }, localApi(options.log ? { log: options.log } : {}));
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    staffKeySource,
    clients: c,
    emulators,
    server,
    stop: async () => {
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
      resetClients();
      await emulators.stop();
    },
  };
}
