/**
 * Builds the staff console (console/, DESIGN.md §10) into console/dist/: one esbuild bundle of
 * preact, chart.js (only the parts registered) and the views, the stylesheet and the page.
 * Runs on `npm install` (prepare) and `npm start` (prestart), and in the browser tests; the
 * output is not committed. Same bytes served locally and deployed by the CDK app.
 */
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The console's sources. */
export const consoleSourceDir = join(root, 'console');
/** Where the built console lands (gitignored): the local server and the CDK app serve it from here. */
export const consoleDistDir = join(root, 'console', 'dist');

export interface ConsoleBuild {
  outDir: string;
  /** The JavaScript bundle's size, gzip-compressed (the budget is 250 KB). */
  jsGzipBytes: number;
}

/** Builds into a fresh folder beside the output, then swaps it in, so a server never reads half a build. */
export async function buildConsole(outDir = consoleDistDir): Promise<ConsoleBuild> {
  const staging = `${outDir}.${process.pid}.${Date.now()}`;
  await mkdir(staging, { recursive: true });
  await build({
    entryPoints: [join(consoleSourceDir, 'src', 'main.tsx')],
    outfile: join(staging, 'console.js'),
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome120', 'firefox120', 'safari17'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  await copyFile(join(consoleSourceDir, 'index.html'), join(staging, 'index.html'));
  await copyFile(join(consoleSourceDir, 'styles.css'), join(staging, 'console.css'));
  await copyFile(join(consoleSourceDir, 'favicon.svg'), join(staging, 'favicon.svg'));
  const old = `${outDir}.old.${process.pid}.${Date.now()}`;
  const existed = await stat(outDir).then(() => true, () => false);
  if (existed) await rename(outDir, old);
  await rename(staging, outDir);
  if (existed) await rm(old, { recursive: true, force: true });
  const js = await readFile(join(outDir, 'console.js'));
  return { outDir, jsGzipBytes: gzipSync(js, { level: 9 }).length };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // `--out <dir>`: another output folder (the CDK bundling builds into the Lambda's asset).
  const at = process.argv.indexOf('--out');
  const out = at > 0 ? process.argv[at + 1] : undefined;
  const result = await buildConsole(out ? resolve(out) : consoleDistDir);
  console.log(`console built into ${result.outDir} (JavaScript ${(result.jsGzipBytes / 1024).toFixed(1)} KB gzip)`);
}
