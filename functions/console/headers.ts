/**
 * The staff console's files and the headers they are served with, shared by the local server
 * (functions/local/consoleAssets.ts) and the Lambda the CDK app puts behind /console (functions/console/assetHandler.ts), so both serve the console alike.
 */

/** The console's built files (console/dist/) and their content types; nothing else is served. */
export const CONSOLE_FILES: ReadonlyMap<string, { contentType: string }> = new Map([
  ['index.html', { contentType: 'text/html; charset=utf-8' }],
  ['console.js', { contentType: 'text/javascript; charset=utf-8' }],
  ['console.css', { contentType: 'text/css; charset=utf-8' }],
  ['favicon.svg', { contentType: 'image/svg+xml' }],
]);

/** Same origin only, no inline script or style, no framing, no plugins; blob: for CSV and license downloads. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const consoleSecurityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-cache',
};
