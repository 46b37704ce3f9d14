/**
 * The staff console's figures: its JavaScript's gzip size (budget 250 KB) and how long the
 * overview of a fleet of 1,000 installs takes to show every number after sign-in (target 1 s),
 * in headless Chromium against the local API on the bench emulators. Each install reports its
 * device license states and device versions (the expiring and versions reports read them).
 */
import { once } from 'node:events';
import { fleetIndexesIdle, startFleetIndexRunner, stopFleetIndexRunner } from '../functions/local/fleetIndexRunner.js';
import { createLocalServer } from '../functions/local/localApi.js';
import { sampleUpload } from '../functions/samples/sampleUploads.js';
import { inParallel } from '../functions/services/inParallel.js';
import { buildConsole } from '../scripts/buildConsole.js';
import { launchChromium } from '../test/support/consoleBrowser.js';
import { median, range, round } from './support.js';

export const FLEET_INSTALLS = 1000;
const RUNS = 5;

export interface ConsoleFigures {
  consoleJsGzipKB: number;
  consoleOverviewMs: number;
  overviewRunsMs: number[];
  /** The API calls of the median run, in ms from pressing Sign in: when each was sent and answered. */
  overviewWaterfall: { path: string; sentMs: number; answeredMs: number }[];
  installs: number;
}

async function post(url: string, key: string, body: unknown): Promise<any> {
  const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

export async function measureConsole(): Promise<ConsoleFigures> {
  const built = await buildConsole();
  startFleetIndexRunner(() => undefined);
  const server = createLocalServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const staffKey = process.env.STAFF_API_KEY!;
  const browser = await launchChromium();
  try {
    const collectedAt = `${new Date().toISOString().slice(0, 19)}Z`;
    await inParallel(range(FLEET_INSTALLS), 8, async (i) => {
      const install = await post(`${base}/v1/installs`, staffKey, { customerId: `fleet-${String(i % 250).padStart(3, '0')}`, name: `Site ${i}` });
      for (const queryType of ['device-license-states', 'device-versions'] as const) {
        await post(`${base}/v1/uploads/${queryType}`, install.apiKey, sampleUpload(queryType, { devices: 20, seed: `fleet-${i}`, collectedAt }));
      }
    });
    await fleetIndexesIdle();
    const runs: number[] = [];
    const waterfalls: ConsoleFigures['overviewWaterfall'][] = [];
    for (let run = 0; run < RUNS; run++) {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
      await page.goto(`${base}/console/`);
      await page.getByLabel('Staff API key').fill(staffKey);
      const started = performance.now();
      const waterfall: ConsoleFigures['overviewWaterfall'] = [];
      const sent = new Map<object, number>();
      page.on('request', (r) => sent.set(r, performance.now() - started));
      page.on('requestfinished', (r) => {
        const url = new URL(r.url());
        if (url.pathname.startsWith('/v1/')) waterfall.push({ path: url.pathname + url.search.replace(/cursor=[^&]*/, 'cursor=…'), sentMs: Math.round(sent.get(r) ?? 0), answeredMs: Math.round(performance.now() - started) });
      });
      await page.getByRole('button', { name: 'Sign in' }).click();
      // Every number shown: no loading indicator and no pending "…" left.
      await page.waitForFunction(
        () => {
          const doc = (globalThis as any).document;
          return doc.querySelector('[data-testid=stat-stale]') && doc.querySelectorAll('.state.loading').length === 0 && [...doc.querySelectorAll('.stat-value')].every((e: any) => e.textContent !== '…');
        },
        undefined,
        { timeout: 30_000, polling: 'raf' },
      );
      runs.push(performance.now() - started);
      waterfalls.push(waterfall.sort((a, b) => a.sentMs - b.sentMs));
      await page.context().close();
    }
    // The waterfall of the run whose time is the median (RUNS is odd).
    const medianRun = runs.indexOf(median(runs));
    return {
      consoleJsGzipKB: round(built.jsGzipBytes / 1024, 1),
      consoleOverviewMs: Math.round(median(runs)),
      overviewRunsMs: runs.map((ms) => Math.round(ms)),
      overviewWaterfall: waterfalls[medianRun] ?? [],
      installs: FLEET_INSTALLS,
    };
  } finally {
    await browser.close();
    await stopFleetIndexRunner();
    server.closeAllConnections();
    server.close();
  }
}
