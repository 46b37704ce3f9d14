/**
 * The staff console in a real browser (Chromium through playwright-core) against the local API
 * on the test emulators, seeded through the API: sign-in, every view with its data, CSV export,
 * bundle upload, key rotation, license files (once that route exists), and on every view: no
 * request off the origin, the key in no URL/cookie/localStorage, no logged error, no serious
 * axe-core violation. Screenshots: test/support/consoleBrowser.ts.
 *
 * Views whose API routes other branches add (AWAITED_ROUTES) are checked for their "not
 * available" state until the route is in functions/routes.ts, then for their data.
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
import { call, createTestInstall, fleetIndexesIdle, sample, staffKey, startTestApi, type TestApi, type TestInstall, upload } from '../support/localApi.js';
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
  compliance: routeExists('/v1/customers/x/compliance'),
  overDeployment: routeExists('/v1/reports/over-deployment'),
  licenseFiles: routeExists('/v1/installs/x/license-files', 'POST'),
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

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 19) + 'Z';

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
  if (has.compliance) {
    // Acme may have 50 IPT users (pooled) and reports more: over-deployed once the §8 routes exist.
    const termStart = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const put = await call(api, 'PUT', `/v1/customers/${acme}/entitlements/ol-1`, { key: staffKey(), body: { item: 'IPT users', quantity: 50, termStart, termEnd: null } });
    expect([200, 201]).toContain(put.status);
  }
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
  // Nothing the console did may leave the origin, carry the key in a URL, or log an error.
  expect(guards.offOrigin).toEqual([]);
  expect(guards.keyInUrl).toEqual([]);
  expect(guards.errors).toEqual([]);
  const stored = await page.evaluate(() => ({ local: JSON.stringify(localStorage), cookie: document.cookie })).catch(() => ({ local: '', cookie: '' }));
  expect(stored.local).not.toContain(staffKey());
  expect(stored.cookie).not.toContain(staffKey());
  expect((await context.cookies()).map((c) => c.value).join()).not.toContain(staffKey());
  guards.reset();
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
    guards.expectFailure(/^\/v1\/reports\/stale$/);
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
    await view('#/overview', 'overview');
    // Other test files add installs to the same tables meanwhile: the numbers are checked against
    // what this file seeded (its never-seen install is stale; Toronto and Ottawa share identifiers).
    const number = async (id: string) => Number((await page.getByTestId(id).textContent())!.replaceAll(',', '').replace('+', ''));
    expect(await number('stat-stale')).toBeGreaterThanOrEqual(1);
    expect(await number('stat-duplicates')).toBeGreaterThanOrEqual(1);
    for (const days of [30, 60, 90]) expect(await page.getByTestId(`stat-expiring-${days}`).textContent()).toMatch(/^\d[\d,]*$/);
    expect(await page.locator('canvas').count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('version-count').textContent()).toMatch(/software versions on/);
    for (const [id, available] of [['stat-installs', has.installList], ['stat-customers', has.customerList], ['stat-over', has.overDeployment]] as const)
      expect(await page.getByTestId(id).textContent()).toMatch(available ? /^\d[\d,]*\+?$/ : /not available/);
    // A number opens its report with the same parameters.
    await page.getByRole('link', { name: /Within 60 days/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Expiring licenses' }).waitFor();
    expect(await page.getByLabel('Within days').inputValue()).toBe('60');
  });

  it('lists customers (or says the listing is not available) and opens a customer by id', async () => {
    await view('#/customers');
    if (has.customerList) {
      await page.getByLabel('Customer id starts with').fill(acme);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('link', { name: acme }).waitFor();
    } else {
      expect(await page.locator('[data-state=unavailable]').textContent()).toMatch(/not available/);
    }
    await screenshot(page, 'customers');
    await page.getByLabel('Customer id', { exact: true }).fill(acme);
    await page.getByLabel('Customer id', { exact: true }).press('Enter');
    await page.getByRole('heading', { level: 1, name: acme }).waitFor();
    await settled();
    const state = await call(api, 'GET', `/v1/customers/${acme}/license-state`, { key: staffKey() });
    expect(await page.getByTestId('licensed-devices').textContent()).toBe(state.body.devices.licensed.toLocaleString('en-US'));
    expect(await page.getByTestId('unlicensed-devices').textContent()).toBe(state.body.devices.unlicensed.toLocaleString('en-US'));
    expect(await page.getByTestId('licensed-containers').textContent()).toBe(state.body.containers.licensed.toLocaleString('en-US'));
    expect(await page.getByRole('cell', { name: 'IPT users' }).count()).toBe(1);
    if (has.installList) await page.getByRole('link', { name: 'Toronto HQ' }).waitFor();
    if (has.compliance) await page.getByTestId('compliance-status').waitFor();
    else expect(await page.locator('[data-state=unavailable]').count()).toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'customer');
    guards.expectFailure(/^\/v1\/customers\/no-such-customer\/license-state$/);
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
    await screenshot(page, 'key-rotation');
    expect((await upload(api, ottawa, 'user-counts', sample('user-counts'))).status).toBe(401);
    expect((await upload(api, { ...ottawa, apiKey: newKey }, 'user-counts', sample('user-counts'))).status).toBe(201);
    await page.getByRole('button', { name: 'Done, hide it' }).click();
    expect(await page.getByLabel('New install API key').count()).toBe(0);
  });

  (has.licenseFiles ? it : it.skip)('issues a license file and downloads it', async () => {
    await view(`#/installs/${toronto.installId}`);
    await page.getByRole('button', { name: 'Issue license file' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download it' }).click()]);
    const text = await readFile((await download.path())!, 'utf8');
    expect(text).toMatch(/^-----BEGIN MPA LICENSE FILE-----\n[\s\S]+\n-----END MPA LICENSE FILE-----\n$/);
    await screenshot(page, 'license-files');
  });

  it('says a license file needs the license-files route, or that reports are missing, on an install without them', async () => {
    await view(`#/installs/${berlin.installId}`, undefined, { axe: false });
    const section = page.locator('section[aria-labelledby=h-license-files]');
    if (!has.licenseFiles) {
      expect(await section.locator('[data-state=unavailable]').textContent()).toMatch(/not available/);
      return;
    }
    // Berlin lacks nothing required, Ottawa neither; a fresh install has no snapshots at all.
    await view(`#/installs/${unnamed.installId}`);
    await section.getByRole('button', { name: 'Issue license file' }).click();
    await section.getByRole('alert').waitFor();
    expect(await section.getByRole('alert').textContent()).toMatch(/Reports missing/);
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
    await view('#/reports/over-deployment', has.overDeployment ? 'report-over-deployment' : undefined, { axe: false });
    if (!has.overDeployment) expect(await page.locator('[data-state=unavailable]').count()).toBe(1);
    else if (has.compliance) await page.locator('tbody tr', { hasText: acme }).first().waitFor();
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
    await view('#/bundles', 'bundle-empty');
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
    guards.expectFailure(/^\/v1\/bundles$/);
    await page.getByRole('button', { name: 'Upload bundle' }).click();
    await page.getByText('The bundle was refused as a whole.').waitFor();
    expect((await postBundle(api, staffKey(), zip)).status).toBe(201);
  });

  it('sends the user back to sign-in with a message on a 401, and signs out on request', async () => {
    await view('#/overview', undefined, { axe: false });
    guards.expectFailure(/^\/v1\//);
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
