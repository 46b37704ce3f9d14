/**
 * `envelope <queryType> <export.json|csv>`: wraps a raw export (a JSON array of records, or a
 * CSV file as bundles carry them) into the upload envelope {schemaVersion, collectedAt,
 * mpaVersion, records} that `upload` and POST /v1/uploads/{queryType} take — read by the
 * service's own CSV reader, so the records are typed exactly as a bundle's would be.
 */
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { recordsOf } from '../../bundles/queryFile.js';
import { isQueryType, queryTypes } from '../../domain/queries/queryTypes.js';
import { type Cli, UsageError } from '../context.js';
import { dateTimeOption } from '../options.js';

export function registerEnvelope(program: Command, cli: Cli): void {
  program
    .command('envelope')
    .description('Wrap a raw export (.json array of records or .csv) into an upload envelope, ready for `upload`')
    .argument('<queryType>', 'the query type of the export, e.g. devices')
    .argument('<file>', 'the export: .json (an array of records) or .csv (a header row of field names)')
    .option('--collected-at <datetime>', 'when MPA collected it (default now)')
    .option('--mpa-version <version>', 'the MPA version that collected it', '3.4.1.12')
    .option('--out <file>', 'write the envelope here (default: print it)')
    .action(
      cli.action(async (queryType: string, file: string, options: { collectedAt?: string; mpaVersion: string; out?: string }) => {
        if (!isQueryType(queryType)) throw new UsageError(`${queryType} is not a query type; the twelve are: ${queryTypes.join(', ')}`);
        const format = file.toLowerCase().endsWith('.csv') ? 'csv' : file.toLowerCase().endsWith('.json') ? 'json' : undefined;
        if (!format) throw new UsageError(`${file}: the export must be a .json or .csv file`);
        const collectedAt = dateTimeOption('--collected-at', options.collectedAt) ?? `${new Date().toISOString().slice(0, 19)}Z`;
        let records: unknown;
        try {
          records = await recordsOf(format, createReadStream(file), queryType);
        } catch (error) {
          throw new Error(`${file} could not be read as ${format.toUpperCase()}: ${(error as Error).message}`);
        }
        if (!Array.isArray(records)) {
          const isEnvelope = records !== null && typeof records === 'object' && 'records' in records;
          throw new UsageError(isEnvelope ? `${file} is already an envelope: upload it as it is.` : `${file} must hold a JSON array of records.`);
        }
        const envelope = { schemaVersion: 1, collectedAt, mpaVersion: options.mpaVersion, records };
        const text = `${JSON.stringify(envelope, null, options.out ? undefined : 2)}\n`;
        if (options.out) {
          await writeFile(options.out, text);
          cli.print(`wrote ${options.out}: ${records.length} ${queryType} records collected at ${collectedAt}`, { out: options.out, queryType, records: records.length, collectedAt });
        } else {
          cli.io.stdout.write(text);
        }
      }),
    );
}
