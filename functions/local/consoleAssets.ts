/**
 * The staff console's static files (DESIGN.md §10) on the local server, at /console/, with the
 * same security headers the CDK app serves them with (functions/http/consoleHeaders.ts): a CSP
 * allowing this origin only and no inline script or style, no framing, HSTS, no sniffing.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONSOLE_FILES, consoleSecurityHeaders } from '../http/consoleHeaders.js';

const distDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'console', 'dist');

/** True when the path belongs to the console (then it has been answered). */
export async function serveConsole(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
  if (pathname !== '/console' && !pathname.startsWith('/console/')) return false;
  req.resume();
  if (pathname === '/console') {
    res.writeHead(301, { location: '/console/', ...consoleSecurityHeaders });
    res.end();
    return true;
  }
  const name = pathname.slice('/console/'.length) || 'index.html';
  const file = CONSOLE_FILES.get(name);
  if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...consoleSecurityHeaders });
    res.end('Not found\n');
    return true;
  }
  let body: Buffer;
  try {
    body = await readFile(join(distDir, name));
  } catch {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', ...consoleSecurityHeaders });
    res.end('The console is not built: run `npm run build:console` (npm install and npm start do it).\n');
    return true;
  }
  res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(body.length), ...consoleSecurityHeaders });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
