/**
 * The mpa-licensing CLI, run in-process (runCli with captured output) against the local API
 * over real HTTP; upload sessions are processed by the test event pump (processorHook.ts).
 * One test runs bin/cli.ts itself, as `npx mpa-licensing` does.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Bundle } from '../../functions/bundles/bundle.js';
import { directBundleLimits } from '../../functions/bundles/limits.js';
import { zipFromBuffer } from '../../functions/bundles/zipReader.js';
import { runCli } from '../../functions/cli/main.js';
import { runCliAt } from '../support/cliRun.js';
import { queryTypes } from '../../functions/domain/queries/index.js';
import { call, createTestInstall, sample, startTestApi, staffKey, type TestApi, type TestInstall } from '../support/localApi.js';
import { minutesAgo } from '../support/time.js';
import { startIncomingPump } from '../support/processorHook.js';

let api: TestApi;
let dir: string;
let install: TestInstall;
const installIds: string[] = [];
let pump: { stop(): Promise<void> };

beforeAll(async () => {
  api = await startTestApi();
  dir = await mkdtemp(join(tmpdir(), 'mpa-cli-'));
  install = await createTestInstall(api);
  installIds.push(install.installId);
  pump = startIncomingPump(() => installIds);
});
afterAll(async () => {
  await pump.stop();
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

const cli = (args: string[], env: Record<string, string> = {}) => runCliAt(api.url, args, { env });

describe('samples and bundle create', () => {
  it('writes the twelve exports and builds a valid bundle of them', async () => {
    const exports = join(dir, 'exports');
    const samples = await cli(['samples', exports, '--devices', '60', '--format', 'csv', '--collected-at', minutesAgo(30)]);
    expect(samples.code).toBe(0);
    expect((await readdir(exports)).sort()).toEqual([...queryTypes.map((q) => `${q}.csv`), 'export.json'].sort());
    expect(samples.stdout).toMatch(/wrote 12 CSV exports for 60 devices/);

    const out = join(dir, 'bundle.zip');
    const created = await cli(['--json', 'bundle', 'create', exports, '--install-id', install.installId, '--out', out]);
    expect(created.code).toBe(0);
    expect(created.json.manifest).toMatchObject({ format: 'mpa-licensing-bundle', version: 1, installId: install.installId, mpaVersion: '3.4.1.12' });
    expect(created.json.manifest.files).toHaveLength(12);

    // The service's own reader accepts it: manifest, entries, hashes.
    const bundle = await Bundle.open(zipFromBuffer(await readFile(out)), directBundleLimits);
    await bundle.verify();
    expect(bundle.id).toBe(created.json.bundleId);
    bundle.close();
  });

  it('refuses folders without exports, or with two files of one query type', async () => {
    const empty = join(dir, 'empty');
    await cli(['samples', join(dir, 'two'), '--devices', '3']);
    await writeFile(join(dir, 'two', 'devices.json'), '[]');
    await cli(['samples', empty, '--devices', '1']);
    for (const name of await readdir(empty)) if (name !== 'export.json') await rm(join(empty, name));
    const none = await cli(['bundle', 'create', empty, '--install-id', 'x']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/holds no query exports/);
    const two = await cli(['bundle', 'create', join(dir, 'two'), '--install-id', 'x']);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/both devices\.csv and devices\.json/);
  });
});

describe('bundle upload and upload', () => {
  it('uploads a bundle directly and prints each result', async () => {
    const exports = join(dir, 'direct');
    await cli(['samples', exports, '--devices', '20', '--format', 'json']);
    const zip = join(dir, 'direct.zip');
    expect((await cli(['bundle', 'create', exports, '--out', zip], { MPA_INSTALL_ID: install.installId })).code).toBe(0);
    const uploaded = await cli(['bundle', 'upload', zip], { MPA_API_KEY: install.apiKey });
    expect(uploaded.code).toBe(0);
    expect(uploaded.stdout).toMatch(/12 files: 12 accepted, 0 duplicate, 0 rejected/);
    expect(uploaded.stdout).toMatch(/accepted +devices +20 records +upload [0-9a-f-]{36}/);
    const again = await cli(['--json', 'bundle', 'upload', zip, '--key', install.apiKey]);
    expect(again.json).toMatchObject({ via: 'direct', status: 'accepted' });
    expect(again.json.bundle.results.every((r: { status: string }) => r.status === 'duplicate')).toBe(true);
    const shown = await call(api, 'GET', `/v1/installs/${install.installId}`, { key: staffKey() });
    expect(Object.keys(shown.body.queries)).toHaveLength(12);
  });

  it('uploads a bundle through an upload session when asked (or when large), waiting for the result', async () => {
    const owner = await createTestInstall(api);
    installIds.push(owner.installId);
    const exports = join(dir, 'session');
    await cli(['samples', exports, '--devices', '30', '--seed', 'session']);
    const zip = join(dir, 'session.zip');
    await cli(['bundle', 'create', exports, '--install-id', owner.installId, '--out', zip]);
    const uploaded = await cli(['--json', 'bundle', 'upload', zip, '--session', '--key', owner.apiKey]);
    expect(uploaded.code).toBe(0);
    expect(uploaded.json).toMatchObject({ via: 'session', status: 'accepted', uploadId: expect.any(String), bundle: { installId: owner.installId } });
    expect(uploaded.json.bundle.results.map((r: { status: string }) => r.status)).toEqual(queryTypes.map(() => 'accepted'));
  });

  it('uploads a query result directly or through a session, and prints a rejection readably (exit 1)', async () => {
    const owner = await createTestInstall(api);
    installIds.push(owner.installId);
    const file = join(dir, 'probes.json');
    await writeFile(file, JSON.stringify(sample('probes', { collectedAt: minutesAgo(20) })));
    const direct = await cli(['upload', 'probes', file], { MPA_API_KEY: owner.apiKey });
    expect(direct.code).toBe(0);
    expect(direct.stdout).toMatch(/^accepted probes: \d+ records? collected at/);

    const other = join(dir, 'event-counts.json');
    await writeFile(other, JSON.stringify(sample('event-counts', { devices: 500, collectedAt: minutesAgo(20) })));
    const viaSession = await cli(['--json', 'upload', 'event-counts', other, '--session'], { MPA_API_KEY: owner.apiKey });
    expect(viaSession.json).toMatchObject({ via: 'session', status: 'accepted', receipt: { queryType: 'event-counts', recordCount: 500 } });

    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ ...sample('devices', { collectedAt: minutesAgo(20) }), extra: 1 }));
    const rejected = await cli(['upload', 'devices', bad], { MPA_API_KEY: owner.apiKey });
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toBe('rejected:\n  400 validation_failed: The upload does not match the schema of its query type.\n    extra: is not a known field\n');
    const rejectedInSession = await cli(['--json', 'upload', 'devices', bad, '--session'], { MPA_API_KEY: owner.apiKey });
    expect(rejectedInSession.code).toBe(1);
    expect(rejectedInSession.json).toMatchObject({ via: 'session', status: 'rejected', problem: { code: 'validation_failed' } });
  });

  it('says what is missing: URL or key (exit 2), and API problems such as a wrong key (exit 1)', async () => {
    const noUrl = await runCli(['upload', 'probes', 'x.json'], { stdout: { write: () => true }, stderr: { write: () => true }, env: {} });
    expect(noUrl).toBe(2);
    const noKey = await cli(['installs', 'show', install.installId]);
    expect(noKey).toMatchObject({ code: 2, stderr: expect.stringMatching(/An API key is needed/) });
    const wrongKey = await cli(['installs', 'show', install.installId, '--key', 'mpas_wrong']);
    expect(wrongKey).toMatchObject({ code: 1, stdout: expect.stringMatching(/^401 unauthorized: /) });
    const usage = await cli(['bundle', 'upload']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/missing required argument 'file'/);
  });
});

describe('staff and operator commands', () => {
  it('installs create, show and rotate-key', async () => {
    const created = await cli(['--json', 'installs', 'create', '--customer-id', 'cli-customer', '--name', 'From the CLI'], { MPA_API_KEY: staffKey() });
    expect(created.json).toMatchObject({ customerId: 'cli-customer', name: 'From the CLI', apiKey: expect.stringMatching(/^mpai_/) });
    const shown = await cli(['--json', 'installs', 'show', created.json.installId], { MPA_API_KEY: staffKey() });
    expect(shown.json).toMatchObject({ installId: created.json.installId, queries: {} });
    const rotated = await cli(['installs', 'rotate-key', created.json.installId], { MPA_API_KEY: staffKey() });
    expect(rotated.stdout).toMatch(/new API key of install .* \(shown only now\): mpai_/);
  });

  it('customer and reports print aligned tables, and JSON with --json', async () => {
    const customerId = `cli-reports-${Date.now()}`;
    const install = await createTestInstall(api, customerId);
    installIds.push(install.installId);
    const soon = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    const states = { schemaVersion: 1, collectedAt: minutesAgo(10), mpaVersion: '3.4.1.12', records: [{ deviceId: 'd1', licensed: true, unlicensedOn: soon }, { deviceId: 'd2', licensed: false, unlicensedOn: null }] };
    expect((await call(api, 'POST', '/v1/uploads/device-license-states', { key: install.apiKey, body: states })).status).toBe(201);

    const customer = await cli(['customer', customerId], { MPA_API_KEY: staffKey() });
    expect(customer.code).toBe(0);
    expect(customer.stdout).toContain(`customer ${customerId}: 1 install(s)`);
    expect(customer.stdout).toMatch(/^Licenses\s+Licensed\s+Unlicensed\s+Next end\s+Ending within 30 days$/m);
    expect(customer.stdout).toMatch(new RegExp(`^devices\\s+1\\s+1\\s+${soon}\\s+1$`, 'm'));

    const expiring = await cli(['--json', 'reports', 'expiring', '--within-days', '10'], { MPA_API_KEY: staffKey() });
    expect(expiring.json.items).toContainEqual({ installId: install.installId, customerId, devices: 1, containers: 0, firstUnlicensedOn: soon });
    const table = await cli(['reports', 'expiring', '--within-days', '10'], { MPA_API_KEY: staffKey() });
    expect(table.stdout.split('\n')[0]).toMatch(/^First end\s+Customer\s+Install\s+Install id\s+Devices\s+Containers$/);
    expect(table.stdout).toContain(install.installId);
    for (const report of ['stale', 'duplicates', 'versions']) {
      const result = await cli(['--json', 'reports', report, '--limit', '5'], { MPA_API_KEY: staffKey() });
      expect({ report, code: result.code, items: Array.isArray(result.json.items) }).toEqual({ report, code: 0, items: true });
    }
  });

  it('admin create-staff-key writes a working staff key to the table', async () => {
    const name = `operator-${process.pid}`;
    const made = await cli(['--json', 'admin', 'create-staff-key', '--name', name, '--table', process.env.TABLE_NAME!], { ...(process.env as Record<string, string>) });
    expect(made.code).toBe(0);
    expect(made.json).toMatchObject({ apiKey: expect.stringMatching(/^mpas_/), name, createdBy: 'aws-operator' });
    const withIt = await call(api, 'GET', `/v1/installs/${install.installId}`, { key: made.json.apiKey });
    expect(withIt.status).toBe(200);
  });

  it('runs as bin/cli.ts (the npx mpa-licensing entry point)', async () => {
    const { stdout } = await promisify(execFile)('./bin/cli.ts', ['--json', 'samples', join(dir, 'bin'), '--devices', '5', '--format', 'json'], {
      cwd: process.cwd(),
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(JSON.parse(stdout)).toMatchObject({ format: 'json', devices: 5, files: expect.any(Array) });
  });
});
