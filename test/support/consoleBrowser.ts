/**
 * The browser side of the console tests: Debian's Chromium driven by playwright-core with the
 * flags this offline machine needs, guards that fail a test when a request leaves the origin,
 * the staff key shows up in a URL, the page logs an error or an API call fails unexpectedly,
 * axe-core checks per view, and screenshots.
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium, type ConsoleMessage, type Locator, type Page } from 'playwright-core';

const run = promisify(execFile);

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * API routes of DESIGN.md v1.1 that other branches add: until they are merged the console shows
 * "not available" for them, and their 404s are expected. Once a route exists in
 * functions/routes.ts its 404s count as errors again.
 */
export const AWAITED_ROUTES: readonly RegExp[] = [/^\/v1\/customers$/, /^\/v1\/installs$/];

/** An error answer the test provokes on purpose: its path and, if given, its status. */
interface ExpectedFailure {
  pathname: RegExp;
  status?: number;
}

export interface PageGuards {
  /** Requests to anything but the console's origin (blob: downloads excepted). */
  offOrigin: string[];
  /** URLs that carried the staff key. */
  keyInUrl: string[];
  /** Errors: uncaught exceptions, console.error lines, API answers >= 400 no test expected. */
  errors: string[];
  /**
   * An error answer the test provokes and the view handles (a deliberate 401, a 409
   * reports_missing): with `status`, only that status of that path is excused.
   */
  expectFailure(pathname: RegExp, status?: number): void;
  /** Clears what was seen and expected (between tests). */
  reset(): void;
}

/**
 * Watches a page for the things the console must never do. Error answers are judged from the
 * responses themselves (path and status), so Chromium's own "Failed to load resource: the
 * server responded with a status of N" console line, which it writes for every such answer
 * even when the view handles it, is not counted twice; any other console error still is
 * (including "Failed to load resource: net::ERR_...", where no answer came).
 */
export function guardPage(page: Page, origin: string, key: string, routeExists: (pathname: string) => boolean): PageGuards {
  const expected: ExpectedFailure[] = [];
  const guards: PageGuards = {
    offOrigin: [],
    keyInUrl: [],
    errors: [],
    expectFailure: (pathname, status) => void expected.push({ pathname, status }),
    reset: () => {
      for (const list of [guards.offOrigin, guards.keyInUrl, guards.errors, expected]) list.length = 0;
    },
  };
  const excused = (pathname: string, status: number) =>
    (status === 404 && AWAITED_ROUTES.some((r) => r.test(pathname)) && !routeExists(pathname)) || expected.some((e) => e.pathname.test(pathname) && (e.status === undefined || e.status === status));
  page.on('request', (request) => {
    const url = request.url();
    if (url.includes(key)) guards.keyInUrl.push(url);
    if (url.startsWith('blob:') || url.startsWith('data:')) return;
    if (new URL(url).origin !== origin) guards.offOrigin.push(url);
  });
  page.on('response', (response) => {
    const status = response.status();
    if (status < 400 || !response.url().startsWith(origin)) return;
    const pathname = new URL(response.url()).pathname;
    if (!excused(pathname, status)) guards.errors.push(`${response.request().method()} ${pathname} answered ${status}`);
  });
  page.on('pageerror', (error) => guards.errors.push(`uncaught: ${error.message}`));
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() !== 'error') return;
    if (/^Failed to load resource: the server responded with a status of \d+/.test(message.text())) return;
    guards.errors.push(`${message.text()} (${message.location().url})`);
  });
  return guards;
}

/** Serious or critical axe-core violations on the page as it is now (an empty list passes). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

/** The tallest screenshot kept: a long table's first screenful or two say what it looks like. */
const MAX_SCREENSHOT_HEIGHT = 1600;

/**
 * A screenshot of a view (its whole page, at most MAX_SCREENSHOT_HEIGHT pixels tall) or of one
 * part of it: into docs/console/ when CONSOLE_SCREENSHOTS=docs (to update the committed ones in
 * docs/console.md), else into .tmp/console/. The committed ones are reduced to a 256-colour
 * palette with pngquant when it is installed (`apt-get install pngquant`): a third of the size,
 * text still sharp.
 */
export async function screenshot(page: Page, name: string, part?: Locator): Promise<void> {
  const docs = process.env.CONSOLE_SCREENSHOTS === 'docs';
  const dir = docs ? join('docs', 'console') : join('.tmp', 'console');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  if (part) {
    await part.screenshot({ path });
  } else {
    // The page in one viewport, so the sticky sidebar spans it as it would on a tall screen.
    const viewport = page.viewportSize()!;
    const scrollHeight = await page.evaluate(() => (globalThis as any).document.documentElement.scrollHeight as number);
    const height = Math.min(scrollHeight, MAX_SCREENSHOT_HEIGHT);
    if (height > viewport.height) await page.setViewportSize({ width: viewport.width, height });
    await page.screenshot({ path });
    if (height > viewport.height) await page.setViewportSize(viewport);
  }
  if (docs) await palette(path);
}

/** Rewrites a PNG with a palette of at most 256 colours when pngquant is installed. */
async function palette(path: string): Promise<void> {
  try {
    await run('pngquant', ['--quality=70-95', '--strip', '--force', '--output', path, path]);
  } catch (error) {
    // Not installed (ENOENT), or the palette would lose too much (99): the PNG stays as it is.
    const code = (error as { code?: unknown }).code;
    if (code !== 'ENOENT' && code !== 99) throw error;
  }
}
