/**
 * An offline bundle (DESIGN.md §5) read in two passes over the archive, one entry at a time:
 *
 * 1. `open`: the central directory (entry count, names, symbolic links, declared sizes) and
 *    manifest.json; every file the manifest lists must be an entry of the archive.
 * 2. `verify`: every listed file inflated once, its bytes counted (total, ratio) and hashed
 *    against the manifest. Nothing is kept, so memory stays flat whatever the bundle.
 * 3. `envelopeOf(file)`: one file inflated again and turned into an upload envelope.
 *
 * Anything wrong in steps 1–2 rejects the whole bundle (`invalid_bundle`) before any file is
 * accepted; a problem in step 3 belongs to that file alone.
 */
import { createHash } from 'node:crypto';
import { ProblemError } from '../domain/problems.js';
import type { QueryType } from '../domain/queries/index.js';
import type { BundleLimits } from './limits.js';
import { type BundleManifest, bundleIdOf, type FileFormat, fileFormatOf, MANIFEST_PATH, parseManifest } from './manifest.js';
import { envelopePieces, recordsOf } from './queryFile.js';
import { InflationBudget, invalidBundle, openArchive, readEntry, readEntryBytes, shown, type ZipArchive, type ZipOpener } from './zipReader.js';

export interface BundleFile {
  queryType: QueryType;
  path: string;
  format: FileFormat;
  sha256: string;
}

export class Bundle {
  private constructor(
    private readonly archive: ZipArchive,
    private readonly limits: BundleLimits,
    readonly manifest: BundleManifest,
    readonly files: readonly BundleFile[],
  ) {}

  /** Reads the central directory and the manifest; the caller must `close()` the bundle. */
  static async open(open: ZipOpener, limits: BundleLimits): Promise<Bundle> {
    const archive = await openArchive(open, limits);
    try {
      const manifestEntry = archive.entries.get(MANIFEST_PATH);
      if (!manifestEntry) throw invalidBundle(`The archive has no ${MANIFEST_PATH} at its root.`);
      const manifest = parseManifest(
        await readEntryBytes(archive, manifestEntry, limits, {
          maxBytes: limits.maxManifestBytes,
          tooLarge: () => invalidBundle(`${MANIFEST_PATH} is larger than ${limits.maxManifestBytes} bytes.`),
        }),
      );
      const files = manifest.files.map((file): BundleFile => {
        if (!archive.entries.has(file.path)) throw invalidBundle(`The manifest lists ${shown(file.path)}, which is not in the archive.`);
        return { queryType: file.queryType, path: file.path, format: fileFormatOf(file.path)!, sha256: file.sha256.toLowerCase() };
      });
      return new Bundle(archive, limits, manifest, files);
    } catch (error) {
      archive.close();
      throw error;
    }
  }

  get installId(): string {
    return this.manifest.installId;
  }

  /** Identifies the bundle's content (see bundleIdOf); meaningful once `verify` passed. */
  get id(): string {
    return bundleIdOf(this.manifest);
  }

  /** Inflates every listed file once: whole-bundle limits and the manifest's hashes. */
  async verify(): Promise<void> {
    const budget = new InflationBudget(this.limits);
    for (const file of this.files) {
      const hash = createHash('sha256');
      for await (const chunk of readEntry(this.archive, this.entryOf(file), this.limits, { budget })) hash.update(chunk);
      if (hash.digest('hex') !== file.sha256) throw invalidBundle(`The SHA-256 of ${shown(file.path)} does not match the manifest.`);
    }
  }

  /**
   * The upload envelope of one file: its JSON bytes as pieces (envelopePieces), and the value
   * they are made from (so that it is not parsed again: a second copy of a million records).
   * Its own problems are thrown as ProblemErrors.
   */
  async envelopeOf(file: BundleFile): Promise<{ pieces: AsyncIterable<Buffer>; envelope: unknown }> {
    const max = this.limits.maxFileInflatedBytes;
    const chunks = readEntry(this.archive, this.entryOf(file), this.limits, {
      maxBytes: max,
      tooLarge: () => new ProblemError('payload_too_large', `The file ${shown(file.path)} inflates to more than ${max} bytes.`),
    });
    const records = await recordsOf(file.format, chunks, file.queryType);
    const { collectedAt, mpaVersion } = this.manifest;
    return { pieces: envelopePieces(this.manifest, records), envelope: { schemaVersion: 1, collectedAt, mpaVersion, records } };
  }

  close(): void {
    this.archive.close();
  }

  private entryOf(file: BundleFile) {
    return this.archive.entries.get(file.path)!;
  }
}
