/**
 * The browser side of the console tests: Debian's Chromium driven by playwright-core with the
 * flags this offline machine needs, guards that fail a test when a request leaves the origin,
 * the staff key shows up in a URL, or the page logs an error, and axe-core checks per view.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium, type ConsoleMessage, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * API routes of DESIGN.md v1.1 that other branches add: until they are merged the console shows
 * "not available" for them, and the browser logs their 404 as a failed resource load. Once a
 * route exists in functions/routes.ts its 404s count as errors again.
 */
export const AWAITED_ROUTES: readonly RegExp[] = [
  /^\/v1\/customers$/,
  /^\/v1\/installs$/,
  /^\/v1\/customers\/[^/]+\/(entitlements|compliance)$/,
  /^\/v1\/reports\/over-deployment$/,
  /^\/v1\/installs\/[^/]+\/license-files$/,
];

export interface PageGuards {
  /** Requests to anything but the console's origin (blob: downloads excepted). */
  offOrigin: string[];
  /** URLs that carried the staff key. */
  keyInUrl: string[];
  /** Errors the page logged (uncaught exceptions, console.error, failed loads not expected). */
  errors: string[];
  /** Failed loads the test expects (a deliberate 401), by path. */
  expectFailure(pathname: RegExp): void;
  /** Clears what was seen and expected (between tests). */
  reset(): void;
}

/** Watches a page for the things the console must never do. */
export function guardPage(page: Page, origin: string, key: string, routeExists: (pathname: string) => boolean): PageGuards {
  const expected: RegExp[] = [];
  const guards: PageGuards = {
    offOrigin: [],
    keyInUrl: [],
    errors: [],
    expectFailure: (p) => void expected.push(p),
    reset: () => {
      for (const list of [guards.offOrigin, guards.keyInUrl, guards.errors, expected]) list.length = 0;
    },
  };
  page.on('request', (request) => {
    const url = request.url();
    if (url.includes(key)) guards.keyInUrl.push(url);
    if (url.startsWith('blob:') || url.startsWith('data:')) return;
    if (new URL(url).origin !== origin) guards.offOrigin.push(url);
  });
  page.on('pageerror', (error) => guards.errors.push(`uncaught: ${error.message}`));
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() !== 'error') return;
    const at = message.location().url;
    if (at && /Failed to load resource/.test(message.text())) {
      const pathname = new URL(at).pathname;
      if (/status of 404/.test(message.text()) && AWAITED_ROUTES.some((r) => r.test(pathname)) && !routeExists(pathname)) return;
      if (expected.some((r) => r.test(pathname))) return;
    }
    guards.errors.push(`${message.text()} (${at})`);
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

/**
 * A full-page screenshot of a view: into docs/console/ when CONSOLE_SCREENSHOTS=docs (to update
 * the committed ones in docs/console.md), else into .tmp/console/.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.CONSOLE_SCREENSHOTS === 'docs' ? join('docs', 'console') : join('.tmp', 'console');
  await mkdir(dir, { recursive: true });
  // The whole page in one viewport, so the sticky sidebar spans it as it would on a tall screen.
  const viewport = page.viewportSize()!;
  const height = await page.evaluate(() => (globalThis as any).document.documentElement.scrollHeight as number);
  if (height > viewport.height) await page.setViewportSize({ width: viewport.width, height });
  await page.screenshot({ path: join(dir, `${name}.png`) });
  if (height > viewport.height) await page.setViewportSize(viewport);
}
