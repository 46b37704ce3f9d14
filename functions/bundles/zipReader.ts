/**
 * Reading a zip archive with yauzl, entry by entry as streams, sizes from the central
 * directory, with every limit of a bundle checked: before inflating (entry count, names,
 * symbolic links, declared sizes) and again while inflating (bytes counted as they stream,
 * so an archive that lies about its sizes is stopped just the same).
 *
 * The archive comes from a buffer (POST /v1/bundles) or from ranged reads of an object
 * (an upload session's object in S3), so neither path copies it to disk.
 */
import { PassThrough, type Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { ProblemError } from '../domain/problems.js';
import { type BundleLimits, bundleTooLarge } from './limits.js';

/** Opens the archive with the options given (yauzl's promise API always reads entries lazily). */
export type ZipOpener = (options: yauzl.Options) => Promise<ZipFile>;

export function zipFromBuffer(bytes: Buffer): ZipOpener {
  return (options) => yauzl.fromBufferPromise(bytes, options);
}

/**
 * An archive read by byte ranges (end exclusive), e.g. ranged GETs of an S3 object. Errors
 * of the source are not the archive's fault: they are rethrown as they are (and retried by
 * the caller), never reported as an invalid bundle.
 */
export function zipFromRanges(size: number, readRange: (start: number, end: number) => Promise<Readable>): ZipOpener {
  return (options) => yauzl.fromRandomAccessReaderPromise(new RangeReader(readRange), size, options);
}

const sourceErrors = new WeakSet<object>();

class RangeReader extends yauzl.RandomAccessReader {
  constructor(private readonly readRange: (start: number, end: number) => Promise<Readable>) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const out = new PassThrough();
    let source: Readable | undefined;
    const fail = (error: Error) => {
      sourceErrors.add(error);
      out.destroy(error);
    };
    this.readRange(start, end).then(
      (stream) => {
        if (out.destroyed) return void stream.destroy();
        source = stream;
        stream.on('error', fail);
        stream.pipe(out);
      },
      fail,
    );
    out._destroy = (error, callback) => {
      source?.destroy();
      callback(error);
    };
    return out;
  }
}

const zipOptions: yauzl.Options = {
  lazyEntries: true,
  autoClose: false,
  decodeStrings: true,
  // Sizes in the central directory are checked against the bytes actually inflated.
  validateEntrySizes: true,
  // Backslashes in names are an error, not silently turned into slashes.
  strictFileNames: true,
};

export function invalidBundle(detail: string): ProblemError {
  return new ProblemError('invalid_bundle', detail);
}

/** A name for messages: quoted, bounded. */
export function shown(name: string): string {
  return JSON.stringify(name.length > 100 ? `${name.slice(0, 100)}…` : name);
}

/** Maps what reading the archive threw: problems stay, source failures propagate, the rest is an invalid bundle. */
export function asBundleError(error: unknown): unknown {
  if (error instanceof ProblemError) return error;
  if (typeof error === 'object' && error !== null && sourceErrors.has(error)) return error;
  const message = (error as Error)?.message ?? String(error);
  return invalidBundle(`The archive cannot be read as a zip file: ${message.slice(0, 200)}.`);
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** Unix mode bits live in the high 16 bits of the external attributes (made by Unix, 3). */
function isSymlink(entry: Entry): boolean {
  return ((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK;
}

function exceedsRatio(inflated: number, compressed: number, limits: BundleLimits): boolean {
  return inflated > limits.ratioFloorBytes && inflated > limits.maxRatio * compressed;
}

/** Tracks bytes inflated across the entries of one archive. */
export class InflationBudget {
  private total = 0;
  constructor(private readonly limits: BundleLimits) {}

  add(bytes: number): void {
    this.total += bytes;
    if (this.total > this.limits.maxTotalInflatedBytes) throw bundleTooLarge(this.limits, false);
  }
}

export interface ZipArchive {
  zip: ZipFile;
  /** File entries by name (directories left out). */
  entries: Map<string, Entry>;
  close(): void;
}

/** Opens the archive and checks its central directory against the limits; nothing is inflated yet. */
export async function openArchive(open: ZipOpener, limits: BundleLimits): Promise<ZipArchive> {
  let zip: ZipFile;
  try {
    zip = await open(zipOptions);
  } catch (error) {
    throw asBundleError(error);
  }
  try {
    return { zip, entries: await listEntries(zip, limits), close: () => zip.close() };
  } catch (error) {
    zip.close();
    throw asBundleError(error);
  }
}

async function listEntries(zip: ZipFile, limits: BundleLimits): Promise<Map<string, Entry>> {
  if (zip.entryCount > limits.maxEntries) {
    throw invalidBundle(`The archive holds ${zip.entryCount} entries; a bundle may hold at most ${limits.maxEntries}.`);
  }
  const entries = new Map<string, Entry>();
  let declared = 0;
  // yauzl has already refused absolute paths, '..' segments and backslashes (strictFileNames).
  for await (const entry of zip.eachEntry()) {
    const name = entry.fileName;
    if (isSymlink(entry)) throw invalidBundle(`The entry ${shown(name)} is a symbolic link; a bundle holds plain files only.`);
    if (name.endsWith('/')) continue;
    if (entries.has(name)) throw invalidBundle(`The entry ${shown(name)} appears twice in the archive.`);
    // The ratio first: a bomb is named as one, whatever the budget of the way it came.
    if (exceedsRatio(entry.uncompressedSize, entry.compressedSize, limits)) {
      throw invalidBundle(`The entry ${shown(name)} declares a compression ratio above ${limits.maxRatio}:1.`);
    }
    declared += entry.uncompressedSize;
    if (declared > limits.maxTotalInflatedBytes) throw bundleTooLarge(limits, true);
    entries.set(name, entry);
  }
  return entries;
}

export interface ReadLimits {
  /** Counts toward the whole archive's inflated limit. */
  budget?: InflationBudget;
  /** The entry alone may inflate to at most this many bytes; beyond it `tooLarge` is thrown. */
  maxBytes?: number;
  tooLarge?: () => ProblemError;
}

/** The inflated bytes of one entry, chunk by chunk, with the ratio and the limits checked on each chunk. */
export async function* readEntry(archive: ZipArchive, entry: Entry, limits: BundleLimits, read: ReadLimits = {}): AsyncGenerator<Buffer> {
  if (!entry.canDecodeFileData()) {
    throw invalidBundle(`The entry ${shown(entry.fileName)} is encrypted or uses a compression method other than deflate.`);
  }
  let stream: Readable;
  try {
    stream = await archive.zip.openReadStreamPromise(entry);
  } catch (error) {
    throw asBundleError(error);
  }
  let inflated = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      inflated += chunk.length;
      if (exceedsRatio(inflated, entry.compressedSize, limits)) {
        throw invalidBundle(`The entry ${shown(entry.fileName)} inflates at a ratio above ${limits.maxRatio}:1.`);
      }
      read.budget?.add(chunk.length);
      if (read.maxBytes !== undefined && inflated > read.maxBytes) throw read.tooLarge?.() ?? invalidBundle(`The entry ${shown(entry.fileName)} is too large.`);
      yield chunk;
    }
  } catch (error) {
    throw asBundleError(error);
  } finally {
    stream.destroy();
  }
}

/** The whole entry as one buffer, within `maxBytes`. */
export async function readEntryBytes(archive: ZipArchive, entry: Entry, limits: BundleLimits, read: ReadLimits): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of readEntry(archive, entry, limits, read)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** yauzl's own rule for names in an archive: relative, no '..' segment, no backslash. */
export function pathProblem(path: string): string | null {
  return yauzl.validateFileName(path);
}
