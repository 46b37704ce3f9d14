/**
 * A gzip upload's records validated as the streamed parse hands them over (domain/streamedJson.ts),
 * a batch at a time, and let go: the records never live together, so they die young in V8's heap
 * instead of being promoted and marked, and each batch is checked while it is still in the cache
 * (docs/decisions.md has the figures). Bundles' `.json` files are read the same way
 * (domain/validateRecordBatches.ts does the checking for both).
 *
 * Only the envelope MPA sends is taken this way: `schemaVersion`, `collectedAt`, `mpaVersion` and
 * then `records`, in that order, the first three valid in type, and nothing after the records.
 * For any other shape (or a query type whose rules need every record at once, more records than
 * an upload may hold, or a hundred issues found) the caller validates the whole parsed body as
 * before, which gives the exact same answer, so the problems a client sees never depend on how
 * its body was read.
 */
import { MAX_RECORDS, type ValidatedUpload } from './validateUpload.js';
import { type BatchedValidation, validatesInBatches, validationInBatches } from './validateRecordBatches.js';
import type { QueryType } from './queries/index.js';

/** What the upload is validated as: its query type, at the moment it was received. */
export interface ValidateAs {
  queryType: QueryType;
  now: Date;
}

/** The envelope's keys, in the order this path takes. */
const ENVELOPE_KEYS = ['schemaVersion', 'collectedAt', 'mpaVersion', 'records'] as const;

interface EnvelopeFields {
  schemaVersion: 1;
  collectedAt: string;
  mpaVersion: string;
}

export class ValidationWhileRead {
  private count = 0;

  private constructor(
    private readonly fields: EnvelopeFields,
    private readonly validation: BatchedValidation,
  ) {}

  /**
   * A validation for the records of an envelope whose head (its fields before the records, the
   * records array still empty) is `head`; undefined when this path does not take it.
   */
  static start(as: ValidateAs, head: unknown): ValidationWhileRead | undefined {
    const fields = envelopeFields(head);
    if (!fields || !validatesInBatches(as.queryType)) return undefined;
    return new ValidationWhileRead(fields, validationInBatches(as.queryType, fields, as.now));
  }

  /**
   * The next records, in order. `mayContainAt`: whether the bytes read so far may hold an `@`
   * (then each record is searched for e-mail addresses). False once more records came than an
   * upload may hold, or once a hundred issues were found: the caller then validates the whole
   * body, which names the first problem (too many records) without checking every record, and
   * answers the second as it always did.
   */
  add(records: readonly unknown[], mayContainAt: boolean): boolean {
    this.count += records.length;
    if (this.count > MAX_RECORDS) return false;
    this.validation.addParsed(records, mayContainAt);
    return !this.validation.issueListFull;
  }

  /**
   * The validated upload or its problem, given the envelope as parsed at the end (its records:
   * those after the last batch added); undefined when that envelope is not the one whose head
   * started this validation (a field repeated or added after the records): the caller then
   * validates the whole body.
   */
  finish(envelope: unknown, mayContainAt: boolean): (() => Promise<ValidatedUpload>) | undefined {
    const fields = envelopeFields(envelope);
    if (!fields || fields.collectedAt !== this.fields.collectedAt || fields.mpaVersion !== this.fields.mpaVersion) return undefined;
    const { records } = envelope as { records: unknown[] };
    if (!this.add(records, mayContainAt)) return undefined;
    return () => this.validation.finish();
  }
}

/** The fields of an envelope of exactly MPA's keys, in MPA's order, with a records array; undefined otherwise. */
function envelopeFields(value: unknown): EnvelopeFields | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== ENVELOPE_KEYS.length || keys.some((key, i) => key !== ENVELOPE_KEYS[i])) return undefined;
  const { schemaVersion, collectedAt, mpaVersion, records } = value as Record<string, unknown>;
  if (schemaVersion !== 1 || typeof collectedAt !== 'string' || typeof mpaVersion !== 'string' || !Array.isArray(records)) return undefined;
  return { schemaVersion, collectedAt, mpaVersion };
}
