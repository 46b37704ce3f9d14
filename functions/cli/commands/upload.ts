/** `upload <queryType> <file>`: one query result (an envelope JSON file, or .json.gz), direct or through a session. */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Command } from 'commander';
import type { Cli } from '../context.js';
import { parseTimeout, report, transfer } from '../transfer.js';

/** The file gzip-compressed: as it is when it ends in .gz, else compressed while read. */
async function gzipped(file: string): Promise<Buffer> {
  if (file.endsWith('.gz')) return readFile(file);
  const chunks: Buffer[] = [];
  await pipeline(createReadStream(file), createGzip(), async (compressed: AsyncIterable<Buffer>) => {
    for await (const chunk of compressed) chunks.push(chunk);
  });
  return Buffer.concat(chunks);
}

export function registerUpload(program: Command, cli: Cli): void {
  program
    .command('upload')
    .description('Upload one query result: a JSON envelope {schemaVersion, collectedAt, mpaVersion, records} (.json or .json.gz)')
    .argument('<queryType>', 'the query type, e.g. devices')
    .argument('<file>', 'the envelope file')
    .option('--no-wait', 'do not wait for an upload session to be processed')
    .option('--timeout <seconds>', 'how long to wait for processing', '900')
    .option('--session', 'use an upload session even for a small file')
    .action(
      cli.action(async (queryType: string, file: string, options: { wait: boolean; timeout: string; session?: boolean }) => {
        const timeoutMs = parseTimeout(options.timeout);
        const result = await transfer(cli, cli.client(), { kind: 'query', queryType, gzipped: await gzipped(file) }, {
          wait: options.wait,
          timeoutMs,
          forceSession: options.session === true,
        });
        report(cli, result);
      }),
    );
}
