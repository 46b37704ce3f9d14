/**
 * Test helpers for offline bundles: valid bundles from the sample generator (built by the
 * same writer the CLI uses), arbitrary zips built with yazl, and byte-level patches for the
 * archives no zip writer will produce (names with '..', absolute names, backslashes, sizes
 * that lie in the central directory).
 */
import { Readable, Writable } from 'node:stream';
import yazl from 'yazl';
import { exportFileName, serializeRecords } from '../../functions/bundles/exports.js';
import type { FileFormat } from '../../functions/bundles/manifest.js';
import { type BundleInputFile, writeBundle } from '../../functions/bundles/writeBundle.js';
import { type QueryType, queryTypes } from '../../functions/domain/queries/index.js';
import { sampleRecords } from '../../functions/samples/sampleUploads.js';
import { call, type TestApi } from './localApi.js';

export const MPA_VERSION = '3.4.1.12';

/** Collects a stream into one buffer. */
export function bufferSink(): { sink: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  return {
    sink: new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    }),
    bytes: () => Buffer.concat(chunks),
  };
}

export interface SampleBundleOptions {
  installId: string;
  collectedAt: string;
  format?: FileFormat;
  devices?: number;
  queryTypes?: readonly QueryType[];
  /** Replace a file's content (its sha256 in the manifest follows). */
  content?: Partial<Record<QueryType, Buffer>>;
}

export function sampleFiles(options: SampleBundleOptions): BundleInputFile[] {
  const format = options.format ?? 'csv';
  return (options.queryTypes ?? queryTypes).map((queryType) => ({
    queryType,
    path: exportFileName(queryType, format),
    content:
      options.content?.[queryType] ??
      serializeRecords(queryType, sampleRecords(queryType, { devices: options.devices ?? 30, collectedAt: options.collectedAt, seed: options.installId }), format),
  }));
}

/** A valid bundle of sample exports (all twelve query types unless told otherwise). */
export async function sampleBundle(options: SampleBundleOptions): Promise<Buffer> {
  const { sink, bytes } = bufferSink();
  await writeBundle({ installId: options.installId, mpaVersion: MPA_VERSION, collectedAt: options.collectedAt }, sampleFiles(options), sink);
  return bytes();
}

export interface ZipEntrySpec {
  name: string;
  data?: Buffer | (() => Readable);
  /** Unix mode, e.g. 0o120777 for a symbolic link. */
  mode?: number;
  compress?: boolean;
  directory?: boolean;
}

/** Any zip, built with yazl. */
export async function zipOf(entries: readonly ZipEntrySpec[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) {
    const options = { ...(entry.mode !== undefined ? { mode: entry.mode } : {}), compress: entry.compress ?? true };
    if (entry.directory) zip.addEmptyDirectory(entry.name);
    else if (typeof entry.data === 'function') zip.addReadStream(entry.data(), entry.name, options);
    else zip.addBuffer(entry.data ?? Buffer.alloc(0), entry.name, options);
  }
  zip.end();
  const { sink, bytes } = bufferSink();
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.pipe(sink).on('finish', resolve).on('error', reject);
  });
  return bytes();
}

/** `size` zero bytes as a stream of 1 MiB chunks (never the whole in memory). */
export function zeros(size: number): () => Readable {
  return () =>
    Readable.from(
      (function* () {
        const chunk = Buffer.alloc(1024 * 1024);
        for (let left = size; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
      })(),
    );
}

/** Replaces every occurrence of a name (local headers and central directory); both must have the same byte length. */
export function renameInZip(zip: Buffer, from: string, to: string): Buffer {
  const a = Buffer.from(from);
  const b = Buffer.from(to);
  if (a.length !== b.length) throw new Error('names must have the same length');
  const out = Buffer.from(zip);
  for (let at = out.indexOf(a); at !== -1; at = out.indexOf(a, at + 1)) b.copy(out, at);
  return out;
}

/** Sets the uncompressed size the central directory declares for an entry (the data stays as it is). */
export function declareSizeInZip(zip: Buffer, name: string, uncompressedSize: number): Buffer {
  const out = Buffer.from(zip);
  const nameBytes = Buffer.from(name);
  const centralHeader = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
  for (let at = out.indexOf(centralHeader); at !== -1; at = out.indexOf(centralHeader, at + 4)) {
    const nameLength = out.readUInt16LE(at + 28);
    if (out.subarray(at + 46, at + 46 + nameLength).equals(nameBytes)) {
      out.writeUInt32LE(uncompressedSize, at + 24);
      return out;
    }
  }
  throw new Error(`no central directory entry ${name}`);
}

export function postBundle(api: TestApi, key: string, zip: Buffer, contentType = 'application/zip') {
  return call(api, 'POST', '/v1/bundles', { key, raw: zip, headers: { 'content-type': contentType } });
}
