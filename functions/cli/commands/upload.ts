/** `upload <queryType> <file>`: one query result (an envelope JSON file, or .json.gz), direct or through a session. */
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Command } from 'commander';
import { type Cli, UsageError } from '../context.js';
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

/**
 * The mistakes people make with `upload`, caught before anything is sent and said in our words:
 * a CSV export, a bare array of records, a zip bundle (the service would say the same, later).
 */
async function checkEnvelopeFile(file: string): Promise<void> {
  const handle = await open(file, 'r');
  let start: Buffer;
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    start = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (start[0] === 0x50 && start[1] === 0x4b) throw new UsageError(`${file} is a zip file: send bundles with \`mpa-licensing bundle upload ${file}\`.`);
  if (start[0] === 0x1f && start[1] === 0x8b) {
    if (!file.endsWith('.gz')) throw new UsageError(`${file} is gzip-compressed: name it .json.gz so it is sent as such.`);
    return;
  }
  const text = start.toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('[')) throw new UsageError(`${file} is a bare array of records: wrap it first with \`mpa-licensing envelope <queryType> ${file} --out envelope.json\`.`);
  if (!text.startsWith('{')) {
    const csv = file.toLowerCase().endsWith('.csv') || /^[^{[\n]*,[^\n]*\n/.test(text);
    throw new UsageError(
      csv
        ? `${file} looks like CSV: wrap it with \`mpa-licensing envelope <queryType> ${file} --out envelope.json\`, or put it in a bundle (\`mpa-licensing bundle create\`).`
        : `${file} is not a JSON envelope {schemaVersion, collectedAt, mpaVersion, records}.`,
    );
  }
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
        const client = cli.client();
        await checkEnvelopeFile(file);
        const result = await transfer(cli, client, { kind: 'query', queryType, gzipped: await gzipped(file) }, {
          wait: options.wait,
          timeoutMs,
          forceSession: options.session === true,
        });
        report(cli, result);
      }),
    );
}
