/**
 * Validation of one upload (DESIGN.md §1–2): the envelope, every record of its query type,
 * the rules across records, and the e-mail guard. Pure: no I/O, no clock (the caller passes now).
 */
import * as z from 'zod/mini';
import { defined } from './defined.js';
import { lazyByKey } from './lazy.js';
import { findEmails, joinPath } from './pii.js';
import { MAX_PROBLEM_ISSUES, ProblemError, type ProblemIssue } from './problems.js';
import { type QueryType, querySpec } from './queries/index.js';
import { recordSchemas } from './queries/recordSchemas.generated.js';
import type { ExpiryHistogram, RecordContext, RecordIssue } from './queries/types.js';
import { type MalformedTokenCheck, malformedTokenCheckOf } from './schemas/anonymizedFields.js';
import { compileFastCheck, type FastCheck } from './schemas/fastValidator.js';
import { isoDateTime, text } from './schemas/fields.js';
import { problemIssuesOf } from './zodIssues.js';

export const MAX_RECORDS = 1_000_000;
export const COLLECTED_AT_MAX_FUTURE_MS = 5 * 60 * 1000;
export const COLLECTED_AT_MAX_AGE_DAYS = 400;

export const uploadEnvelope = z.strictObject({
  schemaVersion: z.literal(1),
  collectedAt: isoDateTime,
  mpaVersion: text(64),
  records: z.array(z.unknown()).check(z.maxLength(MAX_RECORDS)),
});

export interface ValidatedUpload {
  queryType: QueryType;
  /** collectedAt as sent. */
  collectedAtAsSent: string;
  /** collectedAt as a UTC instant, `YYYY-MM-DDTHH:mm:ss.sssZ`: part of the snapshot identity. */
  collectedAt: string;
  mpaVersion: string;
  recordCount: number;
  summary: unknown;
  /** License-state types only: the expiry histogram. */
  expiries?: ExpiryHistogram;
}

export interface ValidateOptions {
  now: Date;
  /** False when the raw body provably holds no '@', so the e-mail walk can be skipped. */
  mayContainEmail?: boolean;
}

/** Collects issues up to the problem limit; `add` answers whether more are wanted. */
export class IssueList {
  readonly issues: ProblemIssue[] = [];
  pii = false;
  add(path: string, message: string, pii = false): boolean {
    if (pii) this.pii = true;
    if (this.issues.length < MAX_PROBLEM_ISSUES) this.issues.push({ path, message });
    return this.issues.length < MAX_PROBLEM_ISSUES;
  }
  get full(): boolean {
    return this.issues.length >= MAX_PROBLEM_ISSUES;
  }
  addZod(prefix: string, error: z.core.$ZodError): boolean {
    for (const issue of problemIssuesOf(error, prefix)) if (!this.add(issue.path, issue.message, issue.pii)) return false;
    return !this.full;
  }
}

export function validateUpload(queryType: QueryType, body: unknown, options: ValidateOptions): ValidatedUpload {
  const steps = validationSteps(queryType, body, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The same validation, giving the event loop a turn every few thousand records, so that I/O
 * started before it (a large archive on its way to S3) goes on while a large upload is checked.
 */
export async function validateUploadInTurns(queryType: QueryType, body: unknown, options: ValidateOptions): Promise<ValidatedUpload> {
  const steps = validationSteps(queryType, body, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Records checked between two turns of the event loop (a few milliseconds' work). */
const RECORDS_PER_TURN = 8192;

/** Validation as a generator that pauses (yields) now and then; it throws the problem found. */
function* validationSteps(queryType: QueryType, body: unknown, options: ValidateOptions): Generator<void, ValidatedUpload> {
  const issues = new IssueList();
  if (options.mayContainEmail !== false) {
    for (const path of findEmails(body)) issues.add(path, 'contains an e-mail address', true);
    if (issues.pii) throw problemOf(issues);
  }

  // A records array within bounds passes its schema whatever it holds: the envelope is checked
  // with an empty one, so zod need not copy every record (the records are checked below).
  const records = recordsWithinBounds(body);
  const envelope = z.safeParse(uploadEnvelope, records ? { ...(body as object), records: [] } : body);
  if (!envelope.success || !records) {
    if (!envelope.success) issues.addZod('', envelope.error);
    throw problemOf(issues);
  }
  const { collectedAt: collectedAtAsSent, mpaVersion } = envelope.data;
  const collectedAt = new Date(collectedAtAsSent);
  checkCollectedAt(collectedAt, options.now, issues);
  if (issues.issues.length > 0) throw problemOf(issues);

  const spec = querySpec(queryType);
  // The date of collectedAt as written at the install (its local calendar date).
  const context: RecordContext = { collectedAt, collectedOn: collectedAtAsSent.slice(0, 10) };
  yield* validateRecords(spec, records, context, issues);
  if (issues.issues.length > 0) throw problemOf(issues);
  yield;

  return {
    queryType,
    collectedAtAsSent,
    // Valid (the envelope passed): an instant.
    collectedAt: defined(collectedAtInstant(collectedAtAsSent), 'the instant of a valid collectedAt'),
    mpaVersion,
    recordCount: records.length,
    summary: spec.summarize(records, context),
    ...(spec.expiries ? { expiries: spec.expiries(records) } : {}),
  };
}

function recordsWithinBounds(body: unknown): unknown[] | undefined {
  const records = typeof body === 'object' && body !== null ? (body as { records?: unknown }).records : undefined;
  return Array.isArray(records) && records.length <= MAX_RECORDS ? records : undefined;
}

/**
 * collectedAt as part of a snapshot's identity: the UTC instant of the text sent
 * (`YYYY-MM-DDTHH:mm:ss.sssZ`), or undefined when the value is no date at all. The upload
 * path names the archive with it before validation, so both must come from here.
 */
export function collectedAtInstant(value: unknown): string | undefined {
  const time = typeof value === 'string' ? new Date(value) : undefined;
  return time && !Number.isNaN(time.getTime()) ? time.toISOString() : undefined;
}

export function checkCollectedAt(collectedAt: Date, now: Date, issues: IssueList): void {
  if (collectedAt.getTime() > now.getTime() + COLLECTED_AT_MAX_FUTURE_MS) {
    issues.add('collectedAt', 'lies more than 5 minutes in the future');
  } else if (collectedAt.getTime() < now.getTime() - COLLECTED_AT_MAX_AGE_DAYS * 86_400_000) {
    issues.add('collectedAt', `lies more than ${COLLECTED_AT_MAX_AGE_DAYS} days in the past`);
  }
}

function* validateRecords(spec: ReturnType<typeof querySpec>, records: unknown[], context: RecordContext, issues: IssueList): Generator<void, void> {
  if (spec.exactlyOne && records.length !== 1) {
    issues.add('records', `must hold exactly one record (holds ${records.length})`);
    return;
  }
  const fast = fastCheckOf(spec.queryType as QueryType);
  for (let i = 0; i < records.length; i++) {
    if (i % RECORDS_PER_TURN === RECORDS_PER_TURN - 1) yield;
    if (!checkRecordAt(spec, fast, i, records[i], context, issues)) return;
  }
  if (issues.issues.length > 0) return;
  yield;
  checkUnique(spec.uniqueBy, records as Record<string, unknown>[], issues);
  if (issues.issues.length > 0) return;
  spec.checkAll?.(records, (index, issue) => addRecordIssue(issues, index, issue));
}

/**
 * Checks the record at `index` against its schema and its own rule, adding what is wrong to
 * `issues`. False when the list is full and personal data was found: nothing later can change
 * the problem then, so the caller stops.
 */
export function checkRecordAt(spec: ReturnType<typeof querySpec>, fast: FastCheck | undefined, index: number, record: unknown, context: RecordContext, issues: IssueList): boolean {
  if (issues.full) {
    // Nothing more is listed; only personal data can still change the problem (its code).
    // The cheap check answers as zod's issues would (./schemas/anonymizedFields.ts), and
    // false for every valid record: zod at 8 µs a record let a tiny body of `{}`s hold a CPU.
    if (issues.pii || tokenCheckFor(spec.queryType as QueryType)(record)) {
      issues.pii = true;
      return false;
    }
    return true;
  }
  // The compiled check answers for valid records; zod runs only for the others, to say why.
  const valid = fast?.(record) === true || z.safeParse(spec.record(), record);
  if (valid === true || valid.success) {
    const issue = spec.checkRecord?.(record, context);
    if (issue) addRecordIssue(issues, index, issue);
  } else if (!issues.addZod(`records[${index}]`, valid.error) && tokenCheckFor(spec.queryType as QueryType)(record)) {
    // The list filled up within this record's issues: its own personal data still counts.
    issues.pii = true;
    return false;
  }
  return true;
}

/** Each query type's check for malformed anonymized identifiers, made at its first use. */
const tokenCheckFor = lazyByKey((queryType: QueryType): MalformedTokenCheck => malformedTokenCheckOf(querySpec(queryType).record()));

/** Each query type's fast check maker, compiled at its first use from the JSON Schema derived at build time. */
const fastCheckMakerOf = lazyByKey((queryType: QueryType) => compileFastCheck(recordSchemas[queryType].fastCheck));
/** A fresh fast check of `queryType`'s records, for one upload's validation (what it remembers is that upload's). */
export function fastCheckOf(queryType: QueryType): FastCheck | undefined {
  return fastCheckMakerOf(queryType)?.();
}

export function addRecordIssue(issues: IssueList, index: number, issue: RecordIssue): boolean {
  return issues.add(issue.path.reduce<string>((p, k) => joinPath(p, k), `records[${index}]`), issue.message);
}

function checkUnique(fields: readonly string[], records: Record<string, unknown>[], issues: IssueList): void {
  const [field] = fields;
  if (field === undefined) return;
  // JSON of the values, so that no two different pairs share a key.
  const keyOf = fields.length === 1 ? (r: Record<string, unknown>) => r[field] : (r: Record<string, unknown>) => JSON.stringify(fields.map((f) => r[f]));
  if (strictlyIncreasing(records, fields)) return;
  const seen = new Set<unknown>();
  for (const record of records) seen.add(keyOf(record));
  if (seen.size === records.length) return;
  // Some key repeats: a second pass names each repetition and its first occurrence.
  const first = new Map<unknown, number>();
  for (const [i, record] of records.entries()) {
    const key = keyOf(record);
    const at = first.get(key);
    if (at === undefined) first.set(key, i);
    else if (!issues.add(joinPath(`records[${i}]`, field), `repeats ${fields.join(' and ')} of records[${at}]`)) return;
  }
}

/**
 * Whether a single string key strictly increases from record to record, so that no value can
 * repeat: exports sorted by their key (as database queries usually give them) need no set.
 */
function strictlyIncreasing(records: Record<string, unknown>[], fields: readonly string[]): boolean {
  const [field] = fields;
  if (fields.length !== 1 || field === undefined) return false;
  const first = records[0]?.[field];
  if (typeof first !== 'string') return false;
  let previous = first;
  for (let i = 1; i < records.length; i++) {
    const value = records[i]?.[field];
    if (typeof value !== 'string' || !(previous < value)) return false;
    previous = value;
  }
  return true;
}

export function problemOf(issues: IssueList): ProblemError {
  if (issues.pii) {
    return new ProblemError(
      'pii_detected',
      'The upload holds personal data: an e-mail address, or a value that is not an anonymized identifier where one is required.',
      issues.issues,
    );
  }
  const more = issues.full ? ' (the first 100 problems are listed)' : '';
  return new ProblemError('validation_failed', `The upload does not match the schema of its query type${more}.`, issues.issues);
}
