/**
 * Writing a bundle (DESIGN.md §5) with yazl: manifest.json first, then each query file, the
 * manifest carrying each file's SHA-256. Files are streamed from disk (or given as bytes),
 * so a bundle of large exports is never held in memory.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import type { QueryType } from '../domain/queries/index.js';
import { BUNDLE_FORMAT, BUNDLE_VERSION, type BundleManifest, MANIFEST_PATH } from './manifest.js';

export interface BundleInputFile {
  queryType: QueryType;
  /** The name in the archive, e.g. `devices.csv`. */
  path: string;
  content: Buffer | { file: string };
}

export interface BundleHeader {
  installId: string;
  mpaVersion: string;
  collectedAt: string;
}

async function sha256Of(content: BundleInputFile['content']): Promise<string> {
  const hash = createHash('sha256');
  if (Buffer.isBuffer(content)) return hash.update(content).digest('hex');
  for await (const chunk of createReadStream(content.file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function bundleManifestOf(header: BundleHeader, files: readonly BundleInputFile[]): Promise<BundleManifest> {
  const listed = [];
  for (const file of files) listed.push({ queryType: file.queryType, path: file.path, sha256: await sha256Of(file.content) });
  return { format: BUNDLE_FORMAT, version: BUNDLE_VERSION, ...header, files: listed };
}

/** Writes the zip to `out`; answers the manifest it holds. */
export async function writeBundle(header: BundleHeader, files: readonly BundleInputFile[], out: Writable): Promise<BundleManifest> {
  const manifest = await bundleManifestOf(header, files);
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), MANIFEST_PATH);
  for (const file of files) {
    if (Buffer.isBuffer(file.content)) zip.addBuffer(file.content, file.path);
    else zip.addFile(file.content.file, file.path);
  }
  zip.end();
  await pipeline(zip.outputStream, out);
  return manifest;
}
