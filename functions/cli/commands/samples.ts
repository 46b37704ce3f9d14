/**
 * `samples <dir>`: a realistic set of the twelve query exports of one install, as an MPA
 * install would write them for an offline bundle, plus `export.json` (when and by which
 * MPA version they were collected) that `bundle create` reads.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { exportFileName, serializeRecords } from '../../bundles/exports.js';
import type { FileFormat } from '../../bundles/manifest.js';
import { queryTypes } from '../../domain/queries/index.js';
import { sampleRecords } from '../../samples/sampleUploads.js';
import { type Cli, UsageError } from '../context.js';
import { formatBytes, records as recordCount } from '../output.js';

export const EXPORT_METADATA_FILE = 'export.json';

export interface ExportMetadata {
  collectedAt: string;
  mpaVersion: string;
}

interface SamplesOptions {
  devices: string;
  format: string;
  collectedAt?: string;
  mpaVersion: string;
  seed: string;
}

async function writeSamples(cli: Cli, dir: string, options: SamplesOptions): Promise<void> {
  const devices = Number(options.devices);
  if (!Number.isInteger(devices) || devices < 1 || devices > 1_000_000) throw new UsageError(`--devices takes a whole number from 1 to 1000000, not ${options.devices}`);
  if (options.format !== 'csv' && options.format !== 'json') throw new UsageError(`--format is csv or json, not ${options.format}`);
  const format: FileFormat = options.format;
  const collectedAt = options.collectedAt ?? `${new Date().toISOString().slice(0, 19)}Z`;
  if (Number.isNaN(Date.parse(collectedAt))) throw new UsageError(`--collected-at takes an RFC 3339 datetime, not ${collectedAt}`);

  await mkdir(dir, { recursive: true });
  const written: { queryType: string; file: string; records: number; bytes: number }[] = [];
  for (const queryType of queryTypes) {
    const records = sampleRecords(queryType, { devices, collectedAt, seed: options.seed });
    const bytes = serializeRecords(queryType, records, format);
    const file = join(dir, exportFileName(queryType, format));
    await writeFile(file, bytes);
    written.push({ queryType, file, records: records.length, bytes: bytes.length });
  }
  const metadata: ExportMetadata = { collectedAt, mpaVersion: options.mpaVersion };
  await writeFile(join(dir, EXPORT_METADATA_FILE), `${JSON.stringify(metadata, null, 2)}\n`);
  cli.print(
    [
      `wrote ${written.length} ${format.toUpperCase()} exports for ${devices} devices, collected at ${collectedAt}, to ${dir}`,
      ...written.map((w) => `  ${w.queryType.padEnd(26)} ${recordCount(w.records).padStart(15)}  ${formatBytes(w.bytes)}`),
    ].join('\n'),
    { dir, format, devices, ...metadata, files: written },
  );
}

export function registerSamples(program: Command, cli: Cli): void {
  program
    .command('samples')
    .description('Write a realistic set of the twelve query exports of one install (for trying bundles)')
    .argument('<dir>', 'the folder to write them to (made if missing)')
    .option('--devices <n>', 'how many devices the install has (other types scale with it)', '50')
    .option('--format <format>', 'csv or json', 'csv')
    .option('--collected-at <datetime>', 'when they were collected (default: now)')
    .option('--mpa-version <version>', 'the MPA version to record', '3.4.1.12')
    .option('--seed <seed>', 'seed of the pseudo-random values and anonymized ids', 'sample')
    .action(cli.action((dir: string, options: SamplesOptions) => writeSamples(cli, dir, options)));
}
