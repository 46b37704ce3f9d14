/**
 * validateUpload for an upload whose records arrive in batches (a bundle file read from its
 * archive, a gzip upload as it is inflated: domain/validateWhileRead.ts): each batch is checked, scanned for e-mail addresses, counted into the uniqueness
 * keys and folded into the summary as it comes, so that no record outlives its batch. A million
 * device records held at once are ~380 MB of heap; their keys alone, a tenth of that.
 *
 * The problem thrown at `finish()` is the one validateUpload gives for the whole envelope: the
 * same issues in the same order, decided in the same precedence (e-mail addresses, envelope,
 * collectedAt, records, uniqueness). Query types whose rules or summary need every record at
 * once (a `checkAll` rule, `exactlyOne`, no `summaryFold`) keep their records, and are
 * validated by validateUpload itself when the last batch is in.
 */
import * as z from 'zod/mini';
import { defined } from './defined.js';
import { findEmails, joinPath } from './pii.js';
import { MAX_PROBLEM_ISSUES } from './problems.js';
import { querySpec, type QueryType } from './queries/index.js';
import type { ExpiryHistogram, RecordContext, RecordFold } from './queries/types.js';
import type { FastCheck } from './schemas/fastValidator.js';
import {
  checkCollectedAt,
  checkRecordAt,
  collectedAtInstant,
  fastCheckOf,
  IssueList,
  problemOf,
  uploadEnvelope,
  type ValidatedUpload,
  validateUploadInTurns,
} from './validateUpload.js';

/** The envelope's fields besides its records. */
export interface EnvelopeHead {
  collectedAt: string;
  mpaVersion: string;
}

type Spec = ReturnType<typeof querySpec>;
type AnyRecord = Record<string, unknown>;

/** Whether a query type's records can be validated and summarized a batch at a time. */
export function validatesInBatches(queryType: QueryType): boolean {
  const spec = querySpec(queryType);
  return !spec.checkAll && !spec.exactlyOne && spec.summaryFold !== undefined && (spec.expiries === undefined || spec.expiriesFold !== undefined);
}

/** A BatchedValidation of `queryType`'s records for an envelope with this head, at `now`. */
export function validationInBatches(queryType: QueryType, head: EnvelopeHead, now: Date): BatchedValidation {
  return new BatchedValidation(queryType, head, now);
}

export class BatchedValidation {
  private readonly spec: Spec;
  /** Records kept for validateUpload (query types that need them all at once). */
  private readonly kept: unknown[] | undefined;
  private mayContainEmail = false;
  private count = 0;
  // Streamed state (unused when records are kept).
  private readonly emails: string[] = [];
  private readonly headIssues = new IssueList();
  private readonly issues = new IssueList();
  private readonly duplicates = new IssueList();
  private readonly context: RecordContext | undefined;
  private readonly fast: FastCheck | undefined;
  private stopped = false;
  private readonly summary: RecordFold<unknown, unknown> | undefined;
  private readonly expiries: RecordFold<unknown, ExpiryHistogram> | undefined;
  private readonly keyOf: ((record: AnyRecord) => unknown) | undefined;
  /** Keys in order while a single string key strictly increases (no value can repeat: no set needed yet). */
  private increasingKeys: unknown[] | undefined = [];
  /** Each key's first record, once the keys stopped increasing. */
  private firstOf: Map<unknown, number> | undefined;

  constructor(
    private readonly queryType: QueryType,
    private readonly head: EnvelopeHead,
    private readonly now: Date,
  ) {
    this.spec = querySpec(queryType);
    const headValue = { schemaVersion: 1, collectedAt: head.collectedAt, mpaVersion: head.mpaVersion };
    this.mayContainEmail = JSON.stringify(headValue).includes('@');
    if (!validatesInBatches(queryType)) {
      this.kept = [];
      return;
    }
    if (this.mayContainEmail) this.emails.push(...findEmails(headValue, MAX_PROBLEM_ISSUES));
    const envelope = z.safeParse(uploadEnvelope, { ...headValue, records: [] });
    if (!envelope.success) {
      this.headIssues.addZod('', envelope.error);
    } else {
      const collectedAt = new Date(head.collectedAt);
      checkCollectedAt(collectedAt, now, this.headIssues);
      this.context = { collectedAt, collectedOn: head.collectedAt.slice(0, 10) };
    }
    this.fast = fastCheckOf(queryType);
    // Without a context (a bad envelope) no record is checked, and nothing summarized.
    // validatesInBatches: a query type read in batches has a summary fold.
    this.summary = this.context && (defined(this.spec.summaryFold, `the summary fold of ${queryType}`)(this.context) as RecordFold<unknown, unknown>);
    this.expiries = this.context && (this.spec.expiriesFold?.() as RecordFold<unknown, ExpiryHistogram> | undefined);
    const fields = this.spec.uniqueBy as readonly string[];
    // JSON of the values, so that no two different pairs share a key (as validateUpload).
    const [field] = fields;
    if (fields.length === 1 && field !== undefined) this.keyOf = (r) => r[field];
    else if (fields.length > 1) this.keyOf = (r) => JSON.stringify(fields.map((f) => r[f]));
    if (fields.length !== 1) this.increasingKeys = undefined;
  }

  /**
   * The next records, in order, each with its JSON text (as it is archived: what decides
   * whether it may hold an e-mail address).
   */
  add(records: readonly unknown[], json: readonly string[]): void {
    for (let i = 0; i < records.length; i++) this.addRecord(records[i], defined(json[i], "a record's JSON text").includes('@'));
  }

  /**
   * The next records, in order, parsed from bytes that may hold an `@` or not (a gzip upload
   * read as it is inflated: domain/validateWhileRead.ts). With `mayContainAt` each record is
   * searched for e-mail addresses.
   */
  addParsed(records: readonly unknown[], mayContainAt: boolean): void {
    for (let i = 0; i < records.length; i++) this.addRecord(records[i], mayContainAt);
  }

  private addRecord(record: unknown, mayContainAt: boolean): void {
    const index = this.count++;
    if (mayContainAt) this.mayContainEmail = true;
    if (this.kept) {
      this.kept.push(record);
      return;
    }
    if (mayContainAt && this.emails.length < MAX_PROBLEM_ISSUES) this.addEmails(index, record);
    // The summary is made with the context: both or neither.
    const { context, summary } = this;
    if (context && summary && !this.stopped && this.emails.length === 0) this.check(index, record, context, summary);
  }

  /** Whether the problem's list of issues is full: the records after decide only between its codes. */
  get issueListFull(): boolean {
    return this.issues.full;
  }

  /** The validated upload, or the problem validateUpload would throw for the whole envelope. */
  async finish(): Promise<ValidatedUpload> {
    const { collectedAt, mpaVersion } = this.head;
    if (this.kept) {
      return validateUploadInTurns(this.queryType, { schemaVersion: 1, collectedAt, mpaVersion, records: this.kept }, { now: this.now, mayContainEmail: this.mayContainEmail });
    }
    if (this.emails.length > 0) {
      const pii = new IssueList();
      for (const path of this.emails) pii.add(path, 'contains an e-mail address', true);
      throw problemOf(pii);
    }
    if (this.headIssues.issues.length > 0) throw problemOf(this.headIssues);
    if (this.issues.issues.length > 0) throw problemOf(this.issues);
    if (this.duplicates.issues.length > 0) throw problemOf(this.duplicates);
    return {
      queryType: this.queryType,
      collectedAtAsSent: collectedAt,
      // No head issues: collectedAt is valid, and the summary was made with its context.
      collectedAt: defined(collectedAtInstant(collectedAt), 'the instant of a valid collectedAt'),
      mpaVersion,
      recordCount: this.count,
      summary: defined(this.summary, 'the summary of a valid envelope').result(),
      ...(this.expiries ? { expiries: this.expiries.result() } : {}),
    };
  }

  private addEmails(index: number, record: unknown): void {
    const prefix = `records[${index}]`;
    for (const path of findEmails(record, MAX_PROBLEM_ISSUES - this.emails.length)) {
      this.emails.push(path === '' ? prefix : path.startsWith('[') ? prefix + path : `${prefix}.${path}`);
    }
  }

  /** One record as validateUpload checks it; the summary and the keys only while all is well. */
  private check(index: number, record: unknown, context: RecordContext, summary: RecordFold<unknown, unknown>): void {
    const { issues } = this;
    if (!checkRecordAt(this.spec, this.fast, index, record, context, issues)) this.stopped = true;
    if (issues.issues.length > 0) return;
    summary.add(record);
    this.expiries?.add(record);
    if (this.keyOf && !this.duplicates.full) this.addKey(index, this.keyOf(record as AnyRecord));
  }

  /** As validateUpload's uniqueness rule: each repetition named with its first occurrence. */
  private addKey(index: number, key: unknown): void {
    const increasing = this.increasingKeys;
    if (increasing) {
      const previous = increasing[increasing.length - 1];
      if (typeof key === 'string' && (increasing.length === 0 || (previous as string) < key)) {
        increasing.push(key);
        return;
      }
      this.firstOf = new Map(increasing.map((k, i) => [k, i]));
      this.increasingKeys = undefined;
    }
    const first = (this.firstOf ??= new Map());
    const at = first.get(key);
    if (at === undefined) first.set(key, index);
    else this.duplicates.add(joinPath(`records[${index}]`, defined(this.spec.uniqueBy[0], 'a uniqueBy field')), `repeats ${this.spec.uniqueBy.join(' and ')} of records[${at}]`);
  }
}
