/**
 * `entitlements put | list | delete | import`, `compliance` and `reports over-deployment`, run
 * in-process against the local API over real HTTP; and the import file reader on its own.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvRecords, IMPORT_HEADER, readImport } from '../../functions/cli/entitlementCsv.js';
import { runCliAt } from '../support/cliRun.js';
import { addDays } from '../../functions/domain/calendarDates.js';
import { call, createTestInstall, startTestApi, staffKey, type TestApi, type TestInstall, upload } from '../support/localApi.js';

let api: TestApi;
let dir: string;
beforeAll(async () => {
  api = await startTestApi();
  dir = await mkdtemp(join(tmpdir(), 'mpa-cli-entitlements-'));
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

const cli = (args: string[]) => runCliAt(api.url, args, { env: { MPA_API_KEY: staffKey() } });

const today = new Date().toISOString().slice(0, 10);
const header = IMPORT_HEADER.join(',');

describe('the import file', () => {
  it('numbers records by the line they start on, across quoted line breaks and empty lines', () => {
    expect(csvRecords('a,b\r\n"x\ny",2\n\n"q""uote",3\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x\ny', '2'] },
      { line: 5, fields: ['q"uote', '3'] },
    ]);
    expect(() => csvRecords('a\n"open')).toThrow(/line 2/);
  });

  it('checks each row on its own: empty cells absent (termEnd perpetual), bad rows with every reason', () => {
    const rows = readImport(
      [
        header,
        'c1,e1,IPT users,10,2026-01-01,,,,',
        'c1,e2,IPT users,ten,2026-01-01,2025-01-01,400,,',
        'c1,e3,too,few',
        'c1,e1,IPT users,10,2026-01-01,,,,',
        'bad id,e/4,x,1,2026-01-01,,,,',
        'c1,e5,__proto__,1,2026-01-01,2026-12-31,0,4a8e4d54-5a53-4b8a-9a57-0d0f35bb6e4f,ref',
      ].join('\n'),
    );
    expect(rows[0]).toEqual({ line: 2, ok: true, customerId: 'c1', entitlementId: 'e1', body: { item: 'IPT users', quantity: 10, termStart: '2026-01-01', termEnd: null } });
    expect(rows[1]).toMatchObject({ line: 3, ok: false, customerId: 'c1', entitlementId: 'e2' });
    expect((rows[1] as { errors: { path: string }[] }).errors.map((e) => e.path).sort()).toEqual(['graceDays', 'quantity']);
    expect(rows[2]).toMatchObject({ line: 4, ok: false, errors: [{ path: '', message: expect.stringContaining('4 fields') }] });
    expect(rows[3]).toMatchObject({ line: 5, ok: false, errors: [{ path: 'entitlementId', message: 'is already given on line 2' }] });
    expect((rows[4] as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['customerId', 'entitlementId']);
    expect(rows[5]).toMatchObject({ ok: true, body: { item: '__proto__', graceDays: 0, installId: '4a8e4d54-5a53-4b8a-9a57-0d0f35bb6e4f', contractRef: 'ref' } });
  });

  it('refuses a file whose header is not exactly the one documented', () => {
    expect(() => readImport('customerId,entitlementId\n')).toThrow(/header must be exactly/);
    expect(() => readImport(`${header},extra\n`)).toThrow(/header/);
    expect(() => readImport('')).toThrow(/header/);
  });
});

describe('commands', () => {
  const customerId = `cli-ent-${process.pid}-${Date.now()}`;
  let a: TestInstall;
  let other: TestInstall;

  beforeAll(async () => {
    a = await createTestInstall(api, customerId);
    other = await createTestInstall(api, `${customerId}-other`);
  });

  it('puts, lists and deletes', async () => {
    const put = await cli(['entitlements', 'put', customerId, 'order-1', '--item', 'IPT users', '--quantity', '10', '--term-start', '2026-01-01', '--grace-days', '5', '--contract-ref', 'C-1']);
    expect(put.code).toBe(0);
    expect(put.stdout).toMatch(/^created entitlement order-1/);
    const again = await cli(['--json', 'entitlements', 'put', customerId, 'order-1', '--item', 'IPT users', '--quantity', '10', '--term-start', '2026-01-01', '--grace-days', '5', '--contract-ref', 'C-1']);
    expect(again.json).toMatchObject({ entitlementId: 'order-1', quantity: 10, termEnd: null, graceDays: 5, installId: null, contractRef: 'C-1' });
    const bad = await cli(['entitlements', 'put', customerId, 'order-2', '--item', 'x', '--quantity', 'many', '--term-start', '2026-01-01']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--quantity must be a whole number/);

    const list = await cli(['entitlements', 'list', customerId]);
    expect(list.stdout.split('\n')[0]).toMatch(/^entitlementId\s+item\s+quantity/);
    expect(list.stdout).toMatch(/order-1\s+IPT users\s+10\s+2026-01-01\s+-\s+5/);
    expect((await cli(['entitlements', 'delete', customerId, 'order-1'])).code).toBe(0);
    const gone = await cli(['entitlements', 'delete', customerId, 'order-1']);
    expect(gone.code).toBe(1);
    expect(gone.stdout).toMatch(/404 not_found/);
    expect((await cli(['--json', 'entitlements', 'list', customerId])).json).toEqual({ items: [] });
  });

  it('imports the good rows, reports each bad one by line, writes nothing of it, and exits 1', async () => {
    const file = join(dir, 'entitlements.csv');
    await writeFile(
      file,
      [
        header,
        `${customerId},imp-1,IPT users,10,2026-01-01,,,,`,
        `${customerId},imp-2,IPT users,-3,2026-01-01,,,,`,
        `${customerId},imp-3,IPT users,5,2026-01-01,2026-12-31,10,${other.installId},`,
        `${customerId},imp-4,devices,5,2026-01-01,2026-12-31,10,${a.installId},"Contract, ""A"""`,
        '',
      ].join('\r\n'),
    );
    const run = await cli(['entitlements', 'import', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/line 3: quantity: /);
    expect(run.stdout).toMatch(/line 4: 400 validation_failed/);
    expect(run.stdout).toMatch(/installId: is not an install of customer/);
    expect(run.stdout).toMatch(/2 written, 2 failed/);
    const stored = await call(api, 'GET', `/v1/customers/${customerId}/entitlements`, { key: staffKey() });
    expect(stored.body.items.map((e: { entitlementId: string; contractRef: string | null }) => [e.entitlementId, e.contractRef])).toEqual([
      ['imp-1', null],
      ['imp-4', 'Contract, "A"'],
    ]);
    // Again: idempotent, the same rows written, the same rows refused.
    const json = await cli(['--json', 'entitlements', 'import', file]);
    expect(json.code).toBe(1);
    expect(json.json).toMatchObject({ written: 2, failed: 2 });
    expect(json.json.results.map((r: { line: number; result: string }) => [r.line, r.result])).toEqual([
      [2, 'stored'],
      [3, 'failed'],
      [4, 'failed'],
      [5, 'stored'],
    ]);
    const wrongHeader = join(dir, 'wrong.csv');
    await writeFile(wrongHeader, 'customer,entitlement\n');
    const refused = await cli(['entitlements', 'import', wrongHeader]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/header must be exactly/);
  });

  it('shows compliance and the over-deployment report, with control characters escaped', async () => {
    const hostile = 'bad\u001b[31mitem\u202e';
    const collectedAt = `${addDays(today, -1)}T02:00:00Z`;
    const sent = await upload(api, a, 'licensing-counts', { schemaVersion: 1, collectedAt, mpaVersion: '3.4.1.12', records: [{ item: hostile, count: 4 }, { item: 'IPT users', count: 12 }] });
    expect(sent.status).toBe(201);
    const table = await cli(['compliance', customerId]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`compliance of customer ${customerId} as of ${today}`);
    expect(table.stdout).toContain('bad\\x1b[31mitem\\u202e');
    expect(table.stdout).not.toContain('\u001b');
    expect(table.stdout).toMatch(/IPT users\s+-\s+10\s+12\s+12\s+2\s+over\s/);
    const json = await cli(['--json', 'compliance', customerId, '--as-of', today]);
    expect(json.json.items.find((r: { item: string }) => r.item === hostile)).toMatchObject({ status: 'unentitled', used: 4 });

    const report = await cli(['--json', 'reports', 'over-deployment']);
    expect(report.code).toBe(0);
    expect(report.json.items.filter((r: { customerId: string }) => r.customerId === customerId).map((r: { item: string }) => r.item)).toEqual([hostile, 'IPT users']);
    const text = await cli(['reports', 'over-deployment', '--as-of', today]);
    expect(text.stdout).not.toContain('\u001b');
    expect(text.stdout.split('\n')[0]).toMatch(/^Customer\s+Item\s+Scope\s+Entitled\s+Used\s+Peak\s+Overage\s+Status\s+Over since$/);
  });
});
