/**
 * The staff console's static files as HTTP answers, for both servers of the console: the local
 * server (functions/local/consoleAssets.ts) and the Lambda behind the API's /console routes
 * (functions/console/assetHandler.ts), so what is tested locally is what is deployed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONSOLE_FILES, consoleSecurityHeaders } from './headers.js';

export interface AssetAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

const text = (statusCode: number, message: string): AssetAnswer => ({
  statusCode,
  headers: { 'content-type': 'text/plain; charset=utf-8', ...consoleSecurityHeaders },
  body: Buffer.from(`${message}\n`),
});

/**
 * The answer for a path under the console: `rest` is what follows `/console` (`''`, `/`,
 * `/console.js`). `/console` redirects to `/console/` by a relative Location, which also holds
 * behind an API Gateway stage prefix. Only the built files are served, never other paths.
 */
export async function consoleAsset(rest: string, distDir: string): Promise<AssetAnswer> {
  if (rest === '') return { statusCode: 301, headers: { location: 'console/', ...consoleSecurityHeaders }, body: Buffer.alloc(0) };
  const name = rest === '/' ? 'index.html' : rest.slice(1);
  const file = CONSOLE_FILES.get(name);
  if (!file) return text(404, 'Not found');
  try {
    const body = await readFile(join(distDir, name));
    return { statusCode: 200, headers: { 'content-type': file.contentType, ...consoleSecurityHeaders }, body };
  } catch {
    return text(503, 'The console is not built: run `npm run build:console` (npm install and npm start do it).');
  }
}
