/**
 * An offline bundle (DESIGN.md §5) read in two passes over the archive, one entry at a time:
 *
 * 1. `open`: the central directory (entry count, names, symbolic links, declared sizes) and
 *    manifest.json; every file the manifest lists must be an entry of the archive.
 * 2. `verify`: every listed file inflated once, its bytes counted (total, ratio) and hashed
 *    against the manifest. Nothing is kept, so memory stays flat whatever the bundle.
 * 3. `uploadOf(file)`: one file inflated again and turned into an upload: a CSV file's records
 *    validated, summarized and archived a batch at a time as they are read (no record outlives
 *    its batch); a JSON file's parsed whole, as a direct upload's.
 *
 * Anything wrong in steps 1–2 rejects the whole bundle (`invalid_bundle`) before any file is
 * accepted; a problem in step 3 belongs to that file alone.
 */
import { createHash } from 'node:crypto';
import { defined } from '../domain/defined.js';
import type { QueryType } from '../domain/queries/index.js';
import { type BundleLimits, bundleFileTooLarge } from './limits.js';
import { type BundleManifest, bundleIdOf, type FileFormat, fileFormatOf, MANIFEST_PATH, parseManifest } from './manifest.js';
import { type BatchedValidation, validationInBatches } from '../domain/validateRecordBatches.js';
import type { ValidatedUpload } from '../domain/validateUpload.js';
import { builtUploadJson, NOT_KEPT, type UploadJson } from '../domain/uploadJson.js';
import { csvRecordBatches, ENVELOPE_TAIL, envelopeHead, envelopePieces, jsonRecordBatches, NotStreamable, recordJson, recordsOf } from './queryFile.js';
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
        return { queryType: file.queryType, path: file.path, format: defined(fileFormatOf(file.path), `the format of ${file.path} (the manifest checks it)`), sha256: file.sha256.toLowerCase() };
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
   * One file as an upload: its JSON bytes (UploadJson, built piece by piece, never held whole)
   * and `validate`, which answers what validateUpload would say of them. A file's records go
   * through validation, the summary and the archive a batch at a time, with a turn of the event
   * loop between batches (validateRecordBatches.ts): a CSV file's as its rows are read, a JSON
   * file's as its array is parsed (jsonRecordBatches). A JSON file the streamed parse does not
   * take is read again, parsed whole and validated as a direct upload's (no `validate`). A file
   * that cannot be read as records throws its ProblemError here.
   */
  async uploadOf(file: BundleFile, now: Date): Promise<{ body: UploadJson; validate?: () => Promise<ValidatedUpload> }> {
    const max = this.limits.maxFileInflatedBytes;
    const read = () =>
      readEntry(this.archive, this.entryOf(file), this.limits, {
        maxBytes: max,
        tooLarge: () => bundleFileTooLarge(this.limits, shown(file.path)),
      });
    const inBatches = async (batches: AsyncIterable<unknown[]>) => {
      const validation = validationInBatches(file.queryType, this.manifest, now);
      const body = await builtUploadJson(checkedPieces(this.manifest, batches, validation), NOT_KEPT);
      return { body, validate: () => validation.finish() };
    };
    if (file.format === 'csv') return inBatches(csvRecordBatches(read(), file.queryType));
    try {
      return await inBatches(jsonRecordBatches(read()));
    } catch (error) {
      // The streamed parse gave up: the file is read again and parsed whole, for its value or its exact problem.
      if (!(error instanceof NotStreamable)) throw error;
    }
    const records = await recordsOf(file.format, read(), file.queryType);
    const { collectedAt, mpaVersion } = this.manifest;
    return { body: await builtUploadJson(envelopePieces(this.manifest, records), { schemaVersion: 1, collectedAt, mpaVersion, records }) };
  }

  close(): void {
    this.archive.close();
  }

  private entryOf(file: BundleFile) {
    // Checked when the bundle was opened: every listed file is in the archive.
    return defined(this.archive.entries.get(file.path), `the archive entry of ${file.path}`);
  }
}

/** Records validated, serialized and let go between two turns of the event loop (a few milliseconds' work). */
const RECORDS_PER_TURN = 2048;

/**
 * The envelope's bytes (the same as envelopePieces makes of the same records) from records
 * read in batches, each record handed to `validation` with its JSON as it goes.
 */
async function* checkedPieces(header: BundleManifest, batches: AsyncIterable<unknown[]>, validation: BatchedValidation): AsyncGenerator<Buffer> {
  yield envelopeHead(header);
  let first = true;
  let pending: unknown[] = [];
  const flush = (): Buffer => {
    const json = pending.map(recordJson);
    validation.add(pending, json);
    pending = [];
    const piece = Buffer.from((first ? '' : ',') + json.join(','));
    first = false;
    return piece;
  };
  for await (const batch of batches) {
    for (const record of batch) pending.push(record);
    if (pending.length >= RECORDS_PER_TURN) {
      yield flush();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  if (pending.length > 0) yield flush();
  yield Buffer.from(ENVELOPE_TAIL);
}
