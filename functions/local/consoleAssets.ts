/**
 * The staff console's static files (DESIGN.md §10) on the local server at /console/, answered by
 * the same code as on AWS (functions/console/assets.ts), with the same security headers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { consoleAsset } from '../console/assets.js';

/** scripts/buildConsole.ts builds here. */
const distDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'console', 'dist');

/** Whether a request path belongs to the console rather than the API. */
export function isConsolePath(pathname: string): boolean {
  return pathname === '/console' || pathname.startsWith('/console/');
}

/** Answers a console path (isConsolePath) with its file, a redirect or 404. */
export async function serveConsole(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
  req.resume();
  const answer =
    req.method === 'GET' || req.method === 'HEAD' ? await consoleAsset(pathname.slice('/console'.length), distDir) : await consoleAsset('/not-a-file', distDir);
  res.writeHead(answer.statusCode, { ...answer.headers, 'content-length': String(answer.body.length) });
  res.end(req.method === 'HEAD' ? undefined : answer.body);
}
