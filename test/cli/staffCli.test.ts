/**
 * The CLI for people (the staff issue, item 5): every staff command's table and --json output,
 * CSV with formula-safe cells, install names in reports, confirmations, errors in the CLI's own
 * words, envelope, --version, and retries of 429/503 honouring Retry-After.
 */
import { createServer, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ApiClient, retryAfterMs } from '../../functions/cli/apiClient.js';
import { runCliAt } from '../support/cliRun.js';
import { csvCell, field, renderCsv, renderTable } from '../../functions/cli/tables.js';
import { createTestInstall, sample, startTestApi, staffKey, type TestApi, upload } from '../support/localApi.js';
import { minutesAgo } from '../support/time.js';

let api: TestApi;
let dir: string;
beforeAll(async () => {
  // The deployed authorizer cache: a decommissioned install's key is refused at once all the same (the write flushes it).
  api = await startTestApi();
  dir = await mkdtemp(join(tmpdir(), 'mpa-staff-cli-'));
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

const cli = (args: string[], options: { key?: string; confirm?: boolean; env?: Record<string, string> } = {}) =>
  runCliAt(api.url, args, {
    env: { MPA_API_KEY: options.key ?? staffKey(), MPA_RETRY_BASE_MS: '5', ...(options.env ?? {}) },
    ...(options.confirm !== undefined ? { confirm: options.confirm } : {}),
  });

const run = `${process.pid}-${Date.now() % 100000}`;
const headerOf = (text: string) => text.split('\n')[0]!.split(/\s{2,}/);

describe('tables and CSV', () => {
  it('escapes cells a spreadsheet would run as formulas, and quotes as RFC 4180 says', () => {
    for (const start of ['=', '+', '-', '@']) expect(csvCell(`${start}SUM(A1)`)).toBe(`'${start}SUM(A1)`);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
    const rows = [{ name: '=HYPERLINK("x")', n: 2 }];
    expect(renderCsv(rows, [field('Name', 'name'), field('Count', 'n')])).toBe(`Name,Count\r\n"'=HYPERLINK(""x"")",2\r\n`);
    expect(renderTable(rows, [field('Name', 'name'), field('Count', 'n')]).split('\n')[0]).toMatch(/^Name\s+Count$/);
  });
});

describe('staff commands', () => {
  it('customers list and installs list: tables with human headers, JSON with --json', async () => {
    const customer = `cli-${run}`;
    const install = await createTestInstall(api, customer);
    expect((await upload(api, install, 'user-counts', sample('user-counts', { collectedAt: minutesAgo(3) }))).status).toBe(201);
    const table = await cli(['customers', 'list', '--prefix', customer]);
    expect(table.code).toBe(0);
    expect(headerOf(table.stdout)).toEqual(['Customer', 'Installs', 'Last upload']);
    expect(table.stdout).toContain(customer);
    const json = await cli(['--json', 'customers', 'list', '--prefix', customer]);
    expect(json.json.items).toEqual([{ customerId: customer, installs: 1, lastSeenAt: expect.any(String) }]);

    const installs = await cli(['installs', 'list', '--customer-id', customer]);
    expect(headerOf(installs.stdout)).toEqual(['Customer', 'Name', 'Install', 'Status', 'Last upload', 'Usage data']);
    expect(installs.stdout).toContain(install.installId);
    const installsJson = await cli(['--json', 'installs', 'list', '--customer-id', customer]);
    expect(installsJson.json.items[0]).toMatchObject({ installId: install.installId, customerId: customer, status: 'active', usageCollection: { enabled: true } });
  });

  it('installs show is a short summary; rename, decommission, reactivate; delete asks first', async () => {
    const install = await createTestInstall(api, `cli-life-${run}`);
    expect((await upload(api, install, 'devices', sample('devices', { collectedAt: minutesAgo(3) }))).status).toBe(201);
    const shown = await cli(['installs', 'show', install.installId]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`customer      cli-life-${run}`);
    expect(shown.stdout).toMatch(/^Query\s+Collected\s+Records\s+Summary$/m);
    expect(shown.stdout.split('\n').length).toBeLessThan(20);
    expect((await cli(['--json', 'installs', 'show', install.installId])).json.queries.devices).toBeDefined();

    expect((await cli(['installs', 'rename', install.installId, 'Lab PBX'])).stdout).toContain("now named 'Lab PBX'");
    expect((await cli(['installs', 'decommission', install.installId])).stdout).toContain('decommissioned');
    expect((await upload(api, install, 'user-counts', sample('user-counts', { collectedAt: minutesAgo(2) }))).status).toBe(401);
    expect((await cli(['--json', 'installs', 'reactivate', install.installId])).json.status).toBe('active');

    const refused = await cli(['installs', 'delete', install.installId]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    const declined = await cli(['installs', 'delete', install.installId], { confirm: false });
    expect(declined.stderr).toContain('Not confirmed');
    expect((await cli(['installs', 'show', install.installId])).code).toBe(0);
    const deleted = await cli(['installs', 'delete', install.installId], { confirm: true });
    expect(deleted.stdout).toContain('deleted');
    expect((await cli(['installs', 'show', install.installId])).code).toBe(1);

    const audit = await cli(['audit', '--install', install.installId]);
    expect(headerOf(audit.stdout)).toEqual(['When', 'Who', 'Did', 'To', 'Details']);
    for (const action of ['install.delete', 'install.reactivate', 'install.decommission', 'install.rename', 'install.create']) expect(audit.stdout).toContain(action);
    expect((await cli(['--json', 'audit', '--install', install.installId])).json.items.map((e: { action: string }) => e.action)).toEqual([
      'install.delete',
      'install.reactivate',
      'install.decommission',
      'install.rename',
      'install.create',
    ]);
  });

  it('uploads history and status; usage-collection on and off', async () => {
    const install = await createTestInstall(api, `cli-up-${run}`);
    const accepted = await upload(api, install, 'call-quality', sample('call-quality', { collectedAt: minutesAgo(3) }));
    const history = await cli(['uploads', 'history', install.installId]);
    expect(headerOf(history.stdout)).toEqual(['Query', 'Collected', 'Records', 'Upload', 'Duplicate']);
    expect(history.stdout).toContain(accepted.body.uploadId);
    const status = await cli(['uploads', 'status', accepted.body.uploadId]);
    expect(status.stdout).toContain(`upload ${accepted.body.uploadId}: accepted`);
    const off = await cli(['usage-collection', 'off'], { key: install.apiKey });
    expect(off.stdout).toContain('off');
    expect((await cli(['--json', 'usage-collection', 'on'], { key: install.apiKey })).json).toEqual({ enabled: true });
    expect((await cli(['usage-collection', 'maybe'], { key: install.apiKey })).stderr).toContain('on or off');
  });

  it('staff-keys create, list and revoke', async () => {
    const name = `cli.${run}@example.com`;
    const created = await cli(['--json', 'staff-keys', 'create', '--name', name, '--note', 'desk']);
    expect(created.json).toMatchObject({ name, apiKey: expect.stringMatching(/^mpas_/) });
    const listed = await cli(['staff-keys', 'list']);
    expect(headerOf(listed.stdout)).toEqual(['Name', 'Key id', 'Created', 'Created by', 'Revoked', 'Note']);
    expect(listed.stdout).toContain(name);
    expect(listed.stdout).not.toContain(created.json.apiKey);
    expect((await cli(['staff-keys', 'revoke', created.json.keyId], { key: created.json.apiKey })).code).toBe(1);
    expect((await cli(['staff-keys', 'revoke', created.json.keyId])).stdout).toContain('revoked');
    expect((await cli(['staff-keys', 'list'], { key: created.json.apiKey })).code).toBe(1);
  });

  it('reports: names next to ids, --csv, --as-of checked in our words, and the digest', async () => {
    const install = await createTestInstall(api, `cli-rep-${run}`);
    expect((await upload(api, install, 'container-license-states', sample('container-license-states', { collectedAt: minutesAgo(3) }))).status).toBe(201);
    const expiring = await cli(['reports', 'expiring', '--within-days', '366']);
    const line = expiring.stdout.split('\n').find((l) => l.includes(install.installId))!;
    expect(line).toMatch(/Install \d+/);
    const csv = await cli(['reports', 'stale', '--days', '0', '--csv']);
    expect(csv.stdout.split('\r\n')[0]).toBe('Last upload,Customer,Install,Install id');
    const bad = await cli(['reports', 'expiring', '--as-of', '31/12/2026']);
    expect({ code: bad.code, stderr: bad.stderr.trim() }).toEqual({ code: 2, stderr: 'mpa-licensing: --as-of must be a date like 2026-12-31' });
    expect((await cli(['customer', 'x', '--as-of', 'tomorrow'])).stderr).toContain('--as-of must be a date like 2026-12-31');
    const digest = await cli(['reports', 'digest']);
    expect(digest.code).toBe(0);
    expect(digest.stdout).toMatch(/^Digest for the day before /);
    // Other test files share the tables and may put a customer over its entitlement in the day
    // before now; a day before any test data is empty for sure.
    expect((await cli(['--json', 'reports', 'digest', '--as-of', '2001-01-02'])).json).toEqual({ asOf: '2001-01-02T00:00:00.000Z', overDeployment: [], expiringWithin30Days: [], newlyStale: [] });
    expect((await cli(['--json', 'reports', 'digest'])).json).toMatchObject({ overDeployment: expect.any(Array), expiringWithin30Days: expect.any(Array), newlyStale: expect.any(Array) });
  });
});

describe('envelope, upload mistakes, --version', () => {
  it('wraps a CSV or JSON export into an envelope that uploads', async () => {
    const install = await createTestInstall(api, `cli-env-${run}`);
    const records = sample('user-counts', { collectedAt: minutesAgo(3) }).records as Record<string, unknown>[];
    const json = join(dir, 'user-counts.json');
    await writeFile(json, JSON.stringify(records));
    const csv = join(dir, 'user-counts.csv');
    const fields = Object.keys(records[0]!);
    await writeFile(csv, `${fields.join(',')}\n${records.map((r) => fields.map((f) => String(r[f] ?? '')).join(',')).join('\n')}\n`);
    const out = join(dir, 'envelope.json');
    const wrapped = await cli(['envelope', 'user-counts', csv, '--out', out, '--collected-at', minutesAgo(3)]);
    expect(wrapped.code).toBe(0);
    expect(wrapped.stdout).toContain(`wrote ${out}`);
    const uploaded = await cli(['--json', 'upload', 'user-counts', out], { key: install.apiKey });
    expect(uploaded.json).toMatchObject({ status: 'accepted' });
    const printed = await cli(['envelope', 'user-counts', json]);
    expect(JSON.parse(printed.stdout)).toMatchObject({ schemaVersion: 1, mpaVersion: '3.4.1.12', records });
    expect((await cli(['envelope', 'user-count', json])).stderr).toContain('the twelve are');

    // upload: a CSV, a bare array, a zip and gzip without .gz are caught in our words.
    const array = await cli(['upload', 'user-counts', json], { key: install.apiKey });
    expect(array.stderr).toContain('bare array of records');
    expect((await cli(['upload', 'user-counts', csv], { key: install.apiKey })).stderr).toContain('looks like CSV');
    const gz = join(dir, 'envelope.json.bin');
    await writeFile(gz, gzipSync(JSON.stringify({})));
    expect((await cli(['upload', 'user-counts', gz], { key: install.apiKey })).stderr).toContain('gzip-compressed');
  });

  it('--version prints the version', async () => {
    const version = await cli(['--version']);
    expect({ code: version.code, out: version.stdout.trim() }).toEqual({ code: 0, out: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
  });
});

describe('retries', () => {
  const THROTTLED = '{"status":429,"code":"throttled","detail":"slow down","type":"about:blank","title":"Too Many Requests"}';
  const throttle = (res: ServerResponse) => res.writeHead(429, { 'retry-after': '0', 'content-type': 'application/problem+json' }).end(THROTTLED);

  /** Runs `use` against a local server answering the n-th request (from 1) as `answer` says; `calls()` counts the requests so far. */
  async function withServer(answer: (n: number, res: ServerResponse) => void, use: (baseUrl: string, calls: () => number) => Promise<void>): Promise<void> {
    let calls = 0;
    const server = createServer((_req, res) => answer(++calls, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      await use(`http://127.0.0.1:${(server.address() as { port: number }).port}`, () => calls);
    } finally {
      server.close();
    }
  }

  it('tries 429 and 503 again, honouring Retry-After, and gives up after the attempts', async () => {
    await withServer(
      (n, res) => {
        if (n === 1) throttle(res);
        else if (n === 2 || n > 3) res.writeHead(503).end();
        else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      },
      async (baseUrl, calls) => {
        const client = new ApiClient(baseUrl, 'k', { baseDelayMs: 1 });
        expect(await client.call('GET', 'x')).toEqual({ ok: true });
        expect(calls()).toBe(3);
        const impatient = new ApiClient(baseUrl, 'k', { baseDelayMs: 1, attempts: 2 });
        await expect(impatient.call('GET', 'x')).rejects.toThrow(/503|HTTP/);
      },
    );
  });

  it('tries an entitlement PUT again too, and still tells created from replaced (an import sends thousands)', async () => {
    await withServer(
      (n, res) => (n === 1 ? throttle(res) : res.writeHead(201, { 'content-type': 'application/json' }).end('{"entitlementId":"e1"}')),
      async (baseUrl, calls) => {
        const client = new ApiClient(baseUrl, 'k', { baseDelayMs: 1 });
        expect(await client.putEntitlement('c', 'e1', { item: 'x' })).toEqual({ created: true, entitlement: { entitlementId: 'e1' } });
        expect(calls()).toBe(2);
      },
    );
  });

  it("reads the WAF's 429, a problem sent as application/json, as a problem once the tries are spent", async () => {
    const waf = JSON.stringify({ type: 'https://mpa-licensing.mitel.com/problems/throttled', title: 'Too many requests', status: 429, code: 'throttled', detail: 'Too many requests from this API key or address.' });
    await withServer(
      (_, res) => res.writeHead(429, { 'retry-after': '0', 'content-type': 'application/json' }).end(waf),
      async (baseUrl) => {
        const client = new ApiClient(baseUrl, 'k', { baseDelayMs: 1, attempts: 2 });
        await expect(client.putEntitlement('c', 'e1', { item: 'x' })).rejects.toMatchObject({ status: 429, problem: { code: 'throttled', status: 429 } });
      },
    );
    // JSON that is no problem of its own status (API Gateway's bare 502) is none.
    await withServer(
      (_, res) => res.writeHead(502, { 'content-type': 'application/json' }).end('{"message":"Internal server error"}'),
      async (baseUrl) => {
        await expect(new ApiClient(baseUrl, 'k', { attempts: 1 }).call('GET', 'x')).rejects.toMatchObject({ status: 502, problem: undefined });
      },
    );
  });

  it('tries network errors again', async () => {
    const client = new ApiClient('http://127.0.0.1:9', 'k', { baseDelayMs: 1, attempts: 3 });
    await expect(client.call('GET', 'x')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(Date.now() + 2000).toUTCString(), Date.now())).toBeGreaterThan(500);
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});
