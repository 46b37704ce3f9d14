/**
 * The staff console in a real browser (Chromium through playwright-core) against the local API
 * on the test emulators, seeded through the API: sign-in, every view with its data, CSV export,
 * bundle upload, key rotation, entitlements against usage, over-deployment, license files, and
 * on every view: no request off the origin, the key in no URL/cookie/localStorage, no logged
 * error or unexpected error answer, no serious axe-core violation (each view checked once).
 * Screenshots: test/support/consoleBrowser.ts.
 *
 * The staff listings that another branch adds (AWAITED_ROUTES) are checked for their "not
 * available" state until the route is in functions/routes.ts, then for their data; an older
 * deployment without the §8/§9 routes is simulated by answering them with the server's 404.
 */
import { readFile } from 'node:fs/promises';
import { jest } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { parse } from 'csv-parse/sync';
import { matchRoute } from '../../functions/local/apiGatewayEvent.js';
import { routes } from '../../functions/routes.js';
import { buildConsole } from '../../scripts/buildConsole.js';
import { guardPage, launchChromium, type PageGuards, screenshot, seriousViolations } from '../support/consoleBrowser.js';
import { postBundle, sampleBundle } from '../support/bundles.js';
import { call, fleetIndexesIdle, sample, staffKey, startTestApi, type TestApi, type TestInstall, upload } from '../support/localApi.js';
import { queryTypes, type QueryType } from '../../functions/domain/queries/index.js';

// Evaluated in the page, where the DOM exists (this program's lib has no DOM types).
declare const document: any;
declare const location: any;

// A browser, axe-core and a seeded server on two shared cores: generous per-test time.
jest.setTimeout(180_000);

const routeExists = (pathname: string, method = 'GET') => matchRoute(routes, method, pathname) !== undefined;
const has = {
  customerList: routeExists('/v1/customers'),
  installList: routeExists('/v1/installs'),
};

const suffix = Date.now().toString(36).slice(-5);
const acme = `acme-corp-${suffix}`;
const globex = `globex-${suffix}`;
const REQUIRED: QueryType[] = queryTypes.filter((q) => !['call-quality', 'completed-schedules', 'user-actions'].includes(q));

let api: TestApi;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let guards: PageGuards;
let toronto: TestInstall;
let ottawa: TestInstall;
let berlin: TestInstall;
let unnamed: TestInstall;

/** The start of Acme's entitlement: 30 days ago. */
const termStart = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
const daysAgo = (days: number) => `${new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 19)}Z`;

async function named(customerId: string, name: string): Promise<TestInstall> {
  const result = await call(api, 'POST', '/v1/installs', { key: staffKey(), body: { customerId, name } });
  expect(result.status).toBe(201);
  return { installId: result.body.installId, customerId, apiKey: result.body.apiKey };
}

async function uploadAll(install: TestInstall, types: readonly QueryType[], options: { seed: string; devices: number; collectedAt: string }) {
  for (const queryType of types) {
    const answer = await upload(api, install, queryType, sample(queryType, options));
    expect([200, 201]).toContain(answer.status);
  }
}

beforeAll(async () => {
  await buildConsole();
  // The deployed authorizer cache: the key-rotation test shows the old key refused at once all
  // the same, since the rotation flushes it.
  api = await startTestApi();
  toronto = await named(acme, 'Toronto HQ');
  ottawa = await named(acme, 'Ottawa branch');
  berlin = await named(globex, 'Berlin plant');
  unnamed = await named(globex, '=SUM(1,2)');
  // Two days of history for Toronto; Ottawa shares its device identifiers (duplicates).
  await uploadAll(toronto, ['devices', 'device-versions'], { seed: `${acme}-old`, devices: 40, collectedAt: daysAgo(1) });
  await uploadAll(toronto, queryTypes, { seed: acme, devices: 60, collectedAt: daysAgo(0) });
  await uploadAll(ottawa, REQUIRED, { seed: acme, devices: 30, collectedAt: daysAgo(0) });
  await uploadAll(berlin, REQUIRED, { seed: globex, devices: 25, collectedAt: daysAgo(0) });
  // Acme may have 50 IPT users (pooled) and reports 90: over-deployed (DESIGN.md §8).
  const put = await call(api, 'PUT', `/v1/customers/${acme}/entitlements/ol-1`, { key: staffKey(), body: { item: 'IPT users', quantity: 50, termStart, termEnd: null, contractRef: 'PO-2026-0042' } });
  expect(put.status).toBe(201);
  await fleetIndexesIdle();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  page = await context.newPage();
  guards = guardPage(page, api.url, staffKey(), (p) => routeExists(p));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

afterEach(async () => {
  // Nothing the console did may leave the origin, carry the key in a URL, or log an error. What
  // was seen is taken and cleared first, so one test's failure is not reported by the next.
  const seen = { offOrigin: [...guards.offOrigin], keyInUrl: [...guards.keyInUrl], errors: [...guards.errors] };
  guards.reset();
  expect(seen).toEqual({ offOrigin: [], keyInUrl: [], errors: [] });
  const stored = await page.evaluate(() => ({ local: JSON.stringify(localStorage), cookie: document.cookie })).catch(() => ({ local: '', cookie: '' }));
  expect(stored.local).not.toContain(staffKey());
  expect(stored.cookie).not.toContain(staffKey());
  expect((await context.cookies()).map((c) => c.value).join()).not.toContain(staffKey());
});

/** Waits until no loading indicator is left on the page. */
async function settled() {
  try {
    await page.waitForFunction(() => document.querySelectorAll('.state.loading').length === 0 && !document.querySelector('.boot'), undefined, { timeout: 20_000 });
  } catch (error) {
    const still = await page.locator('.state.loading').allTextContents();
    throw new Error(`still loading after 20 s: ${still.join('; ')} at ${page.url()}`, { cause: error });
  }
}

/** Opens a view and waits for its data; checks it with axe-core unless `axe: false` (a view already checked). */
async function view(hash: string, shot?: string, options: { axe?: boolean } = {}) {
  await page.evaluate((h) => (location.hash = h), hash);
  await settled();
  if (options.axe !== false) expect(await seriousViolations(page)).toEqual([]);
  if (shot) await screenshot(page, shot);
}

describe('staff console', () => {
  it('serves the console with strict security headers and no inline script or style', async () => {
    const response = await fetch(`${api.url}/console/`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    const html = await response.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=/);
    expect((await fetch(`${api.url}/console/../.data/staff-api-key`)).status).not.toBe(200);
    expect((await fetch(`${api.url}/console/nope.js`)).status).toBe(404);
  });

  it('refuses a wrong key, then signs in with the keyboard alone and keeps the key in sessionStorage only', async () => {
    await page.goto(`${api.url}/console/`);
    await page.getByLabel('Staff API key').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // The key check, and the overview's customer listing started beside it (views/overview.tsx).
    guards.expectFailure(/^\/v1\/(reports\/stale|customers)$/, 401);
    await page.keyboard.type('not-a-real-key');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/refused this key/);
    await screenshot(page, 'sign-in');
    await page.getByLabel('Staff API key').fill('');
    await page.getByLabel('Staff API key').focus();
    await page.keyboard.type(staffKey());
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([staffKey()]);
    expect(page.url()).not.toContain(staffKey());
  });

  it('shows the overview: numbers from the reports, each linking to its report, and the charts', async () => {
    // Opened afresh (sign-in landed on it), with the API paths it reads.
    const read: string[] = [];
    const seen = (request: { url(): string }) => void read.push(new URL(request.url()).pathname);
    await view('#/bundles', undefined, { axe: false });
    page.on('request', seen);
    await view('#/overview', 'overview');
    page.off('request', seen);
    // Other test files add installs to the same tables meanwhile: the numbers are checked against
    // what this file seeded (its never-seen install is stale; Toronto and Ottawa share identifiers).
    const number = async (id: string) => Number((await page.getByTestId(id).textContent())!.replaceAll(',', '').replace('+', ''));
    expect(await number('stat-stale')).toBeGreaterThanOrEqual(1);
    expect(await number('stat-duplicates')).toBeGreaterThanOrEqual(1);
    for (const days of [30, 60, 90]) expect(await page.getByTestId(`stat-expiring-${days}`).textContent()).toMatch(/^\d[\d,]*$/);
    expect(await page.locator('canvas').count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('version-count').textContent()).toMatch(/software versions on/);
    // Acme's IPT users over its entitlement; unentitled items of both customers.
    expect(await number('stat-over')).toBeGreaterThanOrEqual(1);
    // Installs are counted from the customer listing (each customer's installs summed), never by
    // reading the whole install listing.
    for (const id of ['stat-installs', 'stat-customers'])
      expect(await page.getByTestId(id).textContent()).toMatch(has.customerList ? /^\d[\d,]*\+?$/ : /not available/);
    expect(read).not.toContain('/v1/installs');
    if (has.customerList) {
      expect(read).toContain('/v1/customers');
      expect(await number('stat-installs')).toBeGreaterThanOrEqual(4);
      expect(await number('stat-installs')).toBeGreaterThanOrEqual(await number('stat-customers'));
    }
    // A number opens its report with the same parameters.
    await page.getByRole('link', { name: /Within 60 days/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Expiring licenses' }).waitFor();
    expect(await page.getByLabel('Within days').inputValue()).toBe('60');
  });

  it('lists customers (or says the listing is not available) and opens a customer: license state, entitlements against usage', async () => {
    await view('#/customers', 'customers');
    if (has.customerList) {
      await page.getByLabel('Customer id starts with').fill(acme);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('link', { name: acme }).waitFor();
    } else {
      expect(await page.locator('[data-state=unavailable]').textContent()).toMatch(/not available/);
    }
    await page.getByLabel('Customer id', { exact: true }).fill(acme);
    await page.getByLabel('Customer id', { exact: true }).press('Enter');
    await page.getByRole('heading', { level: 1, name: acme }).waitFor();
    await settled();
    const state = await call(api, 'GET', `/v1/customers/${acme}/license-state`, { key: staffKey() });
    expect(await page.getByTestId('licensed-devices').textContent()).toBe(state.body.devices.licensed.toLocaleString('en-US'));
    expect(await page.getByTestId('unlicensed-devices').textContent()).toBe(state.body.devices.unlicensed.toLocaleString('en-US'));
    expect(await page.getByTestId('licensed-containers').textContent()).toBe(state.body.containers.licensed.toLocaleString('en-US'));
    // Each item once per table: the compliance table (what is used against what is entitled,
    // which also covers the reported licensing counts) and the order lines behind it.
    const compliance = (await call(api, 'GET', `/v1/customers/${acme}/compliance`, { key: staffKey() })).body.items as Record<string, any>[];
    const row = compliance.find((r) => r.item === 'IPT users')!;
    expect([row.entitled, row.used, row.status]).toEqual([50, state.body.licensingCounts['IPT users'], 'over']);
    const complianceTable = page.getByRole('table', { name: 'Compliance per item' });
    expect(await complianceTable.locator('tbody tr').count()).toBe(compliance.length);
    const ipt = complianceTable.locator('tbody tr', { has: page.getByRole('cell', { name: 'IPT users', exact: true }) });
    const n = (v: number) => v.toLocaleString('en-US');
    expect(await ipt.locator('td').allTextContents()).toEqual(['IPT users', 'pool', n(row.entitled), n(row.used), n(row.peak), n(row.overage), 'over', `${row.overSince.slice(0, 10)} ${row.overSince.slice(11, 19)} UTC`]);
    const entitlements = page.getByRole('table', { name: 'Entitlements' });
    expect(await entitlements.locator('tbody tr td').allTextContents()).toEqual(['ol-1', 'IPT users', '50', termStart, 'perpetual', '30', 'pool', 'PO-2026-0042']);
    expect(await page.getByRole('table', { name: 'Licensing counts by item' }).count()).toBe(0);
    expect(await page.getByTestId('compliance-status').textContent()).toMatch(/over/);
    if (has.installList) await page.getByRole('link', { name: 'Toronto HQ' }).waitFor();
    else expect(await page.locator('[data-state=unavailable]').count()).toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'customer');
    guards.expectFailure(/^\/v1\/customers\/no-such-customer\/license-state$/, 404);
    await view('#/customers/no-such-customer');
    expect(await page.locator('.state.empty').textContent()).toMatch(/There is no customer/);
  });

  it('shows an install: the twelve summaries as tables and charts, the upload history, usage collection', async () => {
    await view(`#/installs/${toronto.installId}`, 'install');
    expect(await page.getByRole('heading', { level: 1, name: 'Toronto HQ' }).count()).toBe(1);
    expect(await page.locator('article.card').count()).toBe(12);
    expect(await page.locator('article.card .state.empty').count()).toBe(0);
    expect(await page.locator('article.card canvas').count()).toBeGreaterThanOrEqual(5);
    const devices = (await call(api, 'GET', `/v1/installs/${toronto.installId}`, { key: staffKey() })).body.queries.devices.summary.total;
    expect(await page.locator('article[data-query-type=devices] dd').first().textContent()).toBe(String(devices));
    const history = page.getByRole('table', { name: 'Accepted uploads, newest first' });
    expect(await history.locator('tbody tr').count()).toBe(14);
    await page.getByLabel('Query type').selectOption('devices');
    await page.waitForFunction(() => {
      const table = [...document.querySelectorAll('table')].find((t) => t.caption?.textContent === 'Accepted uploads, newest first');
      const types = [...(table?.querySelectorAll('tbody tr td:nth-child(2)') ?? [])].map((td) => td.textContent);
      return types.length > 0 && types.every((type) => type === 'devices');
    });
    expect(await history.locator('tbody tr').count()).toBe(2);
    expect(await page.getByText('The install sends call quality').count()).toBe(1);
    await view(`#/installs/${berlin.installId}`, undefined, { axe: false });
    expect(await page.locator('article.card .state.empty').count()).toBe(3);
  });

  it('rotates an install key: the new key shown once with a copy button; the old key stops working', async () => {
    await view(`#/installs/${ottawa.installId}`, undefined, { axe: false });
    await page.getByRole('button', { name: 'Rotate key…' }).click();
    await page.getByRole('button', { name: 'Yes, rotate the key' }).click();
    const field = page.getByLabel('New install API key');
    await field.waitFor();
    const newKey = await field.inputValue();
    expect(newKey).not.toBe(ottawa.apiKey);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText(/Copied|Selected/).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'key-rotation', page.locator('section[aria-labelledby=h-key]'));
    expect((await upload(api, ottawa, 'user-counts', sample('user-counts'))).status).toBe(401);
    expect((await upload(api, { ...ottawa, apiKey: newKey }, 'user-counts', sample('user-counts'))).status).toBe(201);
    await page.getByRole('button', { name: 'Done, hide it' }).click();
    expect(await page.getByLabel('New install API key').count()).toBe(0);
  });

  it('issues a license file for an install with the nine required reports and downloads it', async () => {
    // Ottawa sent exactly the nine required query types (beforeAll): enough for a license file.
    await view(`#/installs/${ottawa.installId}`, undefined, { axe: false });
    const section = page.locator('section[aria-labelledby=h-license-files]');
    await section.getByText('No license file issued yet.').waitFor();
    await section.getByRole('button', { name: 'Issue license file' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), section.getByRole('button', { name: 'Download it' }).click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^mpa-license-${ottawa.installId}-\\d{4}-\\d{2}-\\d{2}\\.lic$`));
    const text = await readFile((await download.path())!, 'utf8');
    expect(text.startsWith('-----BEGIN MPA LICENSE FILE-----\n')).toBe(true);
    expect(text).toMatch(/^-----BEGIN MPA LICENSE FILE-----\n([A-Za-z0-9_.-]{1,64}\n)+-----END MPA LICENSE FILE-----\n$/);
    // The JWS inside is the one the API issued: this install, its nine reports, Acme's entitlement.
    const claims = JSON.parse(Buffer.from(text.split('\n').slice(1, -2).join('').split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims.sub).toBe(ottawa.installId);
    expect(claims.acknowledges.map((a: { queryType: string }) => a.queryType).sort()).toEqual([...REQUIRED].sort());
    expect(claims.entitlements.map((e: { entitlementId: string }) => e.entitlementId)).toEqual(['ol-1']);
    // The list shows it, and its own Download gives the same text.
    const listed = section.getByRole('table', { name: 'License files' }).locator('tbody tr');
    await page.waitForFunction(() => document.querySelectorAll('section[aria-labelledby=h-license-files] tbody tr').length === 1);
    expect((await listed.locator('td').allTextContents()).slice(2, 4)).toEqual(['1', '9']);
    const [again] = await Promise.all([page.waitForEvent('download'), listed.getByRole('button', { name: /^Download license file issued/ }).click()]);
    expect(await readFile((await again.path())!, 'utf8')).toBe(text);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'license-files', section);
  });

  it('says which reports are missing when an install cannot have a license file yet', async () => {
    // "=SUM(1,2)" never reported: the API answers 409 reports_missing, which the view explains.
    await view(`#/installs/${unnamed.installId}`, undefined, { axe: false });
    guards.expectFailure(/^\/v1\/installs\/[^/]+\/license-files$/, 409);
    const section = page.locator('section[aria-labelledby=h-license-files]');
    await section.getByRole('button', { name: 'Issue license file' }).click();
    const alert = section.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Reports missing/);
    expect((await alert.locator('li code').allTextContents()).sort()).toEqual([...REQUIRED].sort());
    await screenshot(page, 'license-files-missing', section);
  });

  it('says "not available" where an older deployment lacks the entitlement, compliance and license-file routes', async () => {
    // The server's own answer for a route it does not have, for the §8/§9 routes only.
    const noRoute = /\/v1\/(customers\/[^/]+\/(entitlements|compliance)|reports\/over-deployment|installs\/[^/]+\/license-files)(\?|$)/;
    await page.route(noRoute, (route) => {
      const detail = `There is no route ${route.request().method()} ${new URL(route.request().url()).pathname}.`;
      return route.fulfill({ status: 404, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404, detail, code: 'not_found' }) });
    });
    guards.expectFailure(/^\/v1\/(customers\/[^/]+\/(entitlements|compliance)|reports\/over-deployment|installs\/[^/]+\/license-files)$/, 404);
    try {
      await view(`#/customers/${acme}`, undefined, { axe: false });
      expect(await page.locator('section[aria-labelledby=h-compliance] [data-state=unavailable]').textContent()).toMatch(/not available/);
      // Without compliance, the license state lists the reported licensing counts itself.
      expect(await page.getByRole('table', { name: 'Licensing counts by item' }).getByRole('cell', { name: 'IPT users', exact: true }).count()).toBe(1);
      await view(`#/installs/${toronto.installId}`, undefined, { axe: false });
      expect(await page.locator('section[aria-labelledby=h-license-files] [data-state=unavailable]').textContent()).toMatch(/not available/);
      await view('#/reports/over-deployment', undefined, { axe: false });
      expect(await page.locator('[data-state=unavailable]').count()).toBe(1);
      await view('#/overview', undefined, { axe: false });
      expect(await page.getByTestId('stat-over').textContent()).toMatch(/not available/);
    } finally {
      await page.unroute(noRoute);
    }
  });

  it('walks every report with the API parameters, sorts, and exports spreadsheet-safe CSV', async () => {
    await view('#/reports/expiring?withinDays=90', 'report-expiring');
    // One view with five reports: axe-checked on two of them (with data and with a parameter form).
    await view('#/reports/duplicate-identifiers', 'report-duplicates', { axe: false });
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);
    await view('#/reports/versions', 'report-versions', { axe: false });
    const firstBefore = await page.locator('tbody tr td').nth(2).textContent();
    await page.getByRole('button', { name: /^Devices/ }).click();
    await page.getByRole('button', { name: /^Devices/ }).click();
    const counts = await page.locator('tbody tr td:nth-child(3)').allTextContents();
    const numbers = counts.map((c) => Number(c.replaceAll(',', '')));
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    expect(firstBefore).toBeDefined();
    await view('#/reports/over-deployment', 'report-over-deployment', { axe: false });
    const over = page.locator('tbody tr', { hasText: acme }).filter({ hasText: 'IPT users' });
    expect(await over.locator('td').nth(7).textContent()).toBe('over');
    expect(await over.getByRole('link', { name: acme }).count()).toBe(1);
    // Stale: the never-seen install named "=SUM(1,2)" must come out escaped.
    await view('#/reports/stale?days=2', 'report-stale');
    await page.getByLabel('Silent for days').fill('0');
    await page.getByRole('button', { name: 'Apply' }).click();
    await settled();
    expect(await page.getByLabel('Silent for days').inputValue()).toBe('0');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^stale-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(['installId', 'customerId', 'name', 'lastSeenAt']);
    const mine = rows.filter((r) => r.customerId === globex || r.customerId === acme);
    expect(mine.map((r) => r.name).sort()).toEqual(["'=SUM(1,2)", 'Berlin plant', 'Ottawa branch', 'Toronto HQ']);
    expect(mine.find((r) => r.name === "'=SUM(1,2)")!.lastSeenAt).toBe('never');
    await page.getByText(/Exported \d+ rows/).waitFor();
  });

  it('uploads an offline bundle and shows the result per file: accepted, duplicate, rejected with errors', async () => {
    const collectedAt = daysAgo(0);
    const zip = await sampleBundle({ installId: berlin.installId, collectedAt, devices: 10, queryTypes: ['devices', 'probes', 'user-counts'], content: { probes: Buffer.from('probeId,lastCheckIn,restartsToday\nnot valid,yesterday,-1\n') } });
    // Checked with axe-core once it shows results (the drop zone is still there).
    await view('#/bundles', undefined, { axe: false });
    await page.getByLabel(/Drop the .zip here/).setInputFiles({ name: 'berlin.zip', mimeType: 'application/zip', buffer: zip });
    await page.getByRole('button', { name: 'Upload bundle' }).click();
    await page.getByTestId('bundle-summary').waitFor();
    expect(await page.getByTestId('bundle-summary').textContent()).toMatch(/2 accepted, 0 duplicate, 1 rejected/);
    const rejected = page.locator('tbody tr', { hasText: 'probes' });
    expect(await rejected.textContent()).toMatch(/rejected/);
    expect(await rejected.locator('.problem-errors li').count()).toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'bundle-upload');
    // The same bundle again: duplicates; a zip that is no bundle: refused whole.
    await page.getByRole('button', { name: 'Upload bundle' }).click();
    await page.getByText(/0 accepted, 2 duplicate, 1 rejected/).waitFor();
    await page.getByLabel(/Drop the .zip here/).setInputFiles({ name: 'junk.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip') });
    guards.expectFailure(/^\/v1\/bundles$/, 400);
    await page.getByRole('button', { name: 'Upload bundle' }).click();
    await page.getByText('The bundle was refused as a whole.').waitFor();
    expect((await postBundle(api, staffKey(), zip)).status).toBe(201);
  });

  it('sends the user back to sign-in with a message on a 401, and signs out on request', async () => {
    await view('#/overview', undefined, { axe: false });
    guards.expectFailure(/^\/v1\//, 401);
    await page.evaluate(() => sessionStorage.setItem('mpa-console-staff-key', 'revoked-key'));
    await page.evaluate(() => (location.hash = '#/reports/stale'));
    await page.getByText(/refused the staff key \(401\)/).waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.getByLabel('Staff API key').fill(staffKey());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText(/You are signed out/).waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });
});
