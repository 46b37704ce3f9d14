/**
 * `bundle create <dir>`: an offline bundle from a folder of `<queryType>.csv|.json` exports
 * (manifest and hashes made here); `bundle upload <file>`: send it, direct or through a session.
 */
import { createWriteStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { bundleIdOf, fileFormatOf } from '../../bundles/manifest.js';
import { type BundleInputFile, writeBundle } from '../../bundles/writeBundle.js';
import { isQueryType } from '../../domain/queries/index.js';
import { type Cli, UsageError } from '../context.js';
import { formatBytes } from '../output.js';
import { parseTimeout, report, transfer } from '../transfer.js';
import { EXPORT_METADATA_FILE, type ExportMetadata } from './samples.js';

/** The query files of a folder; other files are left out (and named on stderr). */
async function exportsIn(cli: Cli, dir: string): Promise<BundleInputFile[]> {
  const files: BundleInputFile[] = [];
  const seen = new Map<string, string>();
  for (const name of (await readdir(dir)).sort()) {
    const format = fileFormatOf(name);
    const queryType = format ? name.slice(0, -(format.length + 1)) : '';
    if (!format || !isQueryType(queryType)) {
      if (name !== EXPORT_METADATA_FILE) cli.note(`skipping ${name}: not <queryType>.csv or <queryType>.json`);
      continue;
    }
    if (seen.has(queryType)) throw new UsageError(`${dir} holds both ${seen.get(queryType)} and ${name}; keep one per query type.`);
    seen.set(queryType, name);
    files.push({ queryType, path: name, content: { file: join(dir, name) } });
  }
  if (files.length === 0) throw new UsageError(`${dir} holds no query exports (<queryType>.csv or <queryType>.json).`);
  return files;
}

async function metadataIn(dir: string): Promise<Partial<ExportMetadata>> {
  try {
    return JSON.parse(await readFile(join(dir, EXPORT_METADATA_FILE), 'utf8')) as Partial<ExportMetadata>;
  } catch {
    return {};
  }
}

interface CreateOptions {
  installId?: string;
  collectedAt?: string;
  mpaVersion?: string;
  out?: string;
}

async function createBundle(cli: Cli, dir: string, options: CreateOptions): Promise<void> {
  const metadata = await metadataIn(dir);
  const installId = options.installId ?? cli.io.env.MPA_INSTALL_ID;
  if (!installId) throw new UsageError('The install the exports belong to is needed: --install-id or MPA_INSTALL_ID.');
  const collectedAt = options.collectedAt ?? metadata.collectedAt ?? `${new Date().toISOString().slice(0, 19)}Z`;
  if (Number.isNaN(Date.parse(collectedAt))) throw new UsageError(`--collected-at takes an RFC 3339 datetime, not ${collectedAt}`);
  const mpaVersion = options.mpaVersion ?? metadata.mpaVersion;
  if (!mpaVersion) throw new UsageError(`The MPA version of the exports is needed: --mpa-version (or mpaVersion in ${EXPORT_METADATA_FILE}).`);

  const files = await exportsIn(cli, dir);
  const out = resolve(options.out ?? `mpa-bundle-${installId.slice(0, 8)}-${collectedAt.replace(/[-:]/g, '').slice(0, 15)}.zip`);
  const manifest = await writeBundle({ installId, mpaVersion, collectedAt }, files, createWriteStream(out));
  const size = (await stat(out)).size;
  const bundleId = bundleIdOf(manifest);
  cli.print(
    [`wrote ${out} (${formatBytes(size)}): ${files.length} query files`, ...manifest.files.map((f) => `  ${f.queryType.padEnd(26)} ${f.path}`), `bundle ${bundleId}`].join('\n'),
    { out, size, bundleId, manifest },
  );
}

export function registerBundle(program: Command, cli: Cli): void {
  const bundle = program.command('bundle').description('Offline bundles: a zip of query exports with a manifest');
  bundle
    .command('create')
    .description('Build a bundle from a folder of <queryType>.csv or <queryType>.json exports')
    .argument('<dir>', 'the folder of exports')
    .option('--install-id <id>', 'the install the exports belong to (default: MPA_INSTALL_ID)')
    .option('--collected-at <datetime>', `when they were collected (default: ${EXPORT_METADATA_FILE} in the folder, else now)`)
    .option('--mpa-version <version>', `the MPA version that exported them (default: ${EXPORT_METADATA_FILE} in the folder)`)
    .option('--out <file>', 'the zip to write (default: mpa-bundle-<install>-<time>.zip here)')
    .action(cli.action((dir: string, options: CreateOptions) => createBundle(cli, dir, options)));

  bundle
    .command('upload')
    .description('Upload a bundle: POST /v1/bundles when small, an upload session when large')
    .argument('<file>', 'the bundle (.zip)')
    .option('--no-wait', 'do not wait for an upload session to be processed')
    .option('--timeout <seconds>', 'how long to wait for processing', '900')
    .option('--session', 'use an upload session even for a small bundle')
    .action(
      cli.action(async (file: string, options: { wait: boolean; timeout: string; session?: boolean }) => {
        const timeoutMs = parseTimeout(options.timeout);
        const zip = await readFile(file);
        cli.note(`uploading ${basename(file)} (${formatBytes(zip.length)})`);
        report(cli, await transfer(cli, cli.client(), { kind: 'bundle', zip }, { wait: options.wait, timeoutMs, forceSession: options.session === true }));
      }),
    );
}
