/**
 * What one query type is: its record schema and how its records are summarized.
 * Adding a query type means writing one QuerySpec (a schema plus a summarizer)
 * and listing it in ./index.ts.
 */
import type * as z from 'zod/mini';
import { lazy } from '../lazy.js';

export interface RecordContext {
  /** The upload's collectedAt as an instant. */
  collectedAt: Date;
  /** The calendar date (YYYY-MM-DD) of collectedAt as written by the install (its local date). */
  collectedOn: string;
}

export interface RecordIssue {
  /** Path below the record, e.g. ['unlicensedOn']; empty for the record itself. */
  path: (string | number)[];
  message: string;
}

export interface QuerySpec<S extends z.core.$ZodType = z.core.$ZodType, Summary = unknown, Q extends string = string, O extends boolean = boolean> {
  /** The kebab-case name used in URLs. */
  queryType: Q;
  /** Optional types are accepted only while usage data collection is enabled. */
  optional: O;
  /** The builder of the record's zod schema: built at its first call (`recordSchema`). */
  record: () => S;
  /** The fields whose values must be unique within one upload (empty: no such rule). */
  uniqueBy: readonly (keyof z.infer<S> & string)[];
  /** The upload must hold exactly one record. */
  exactlyOne?: boolean;
  /** A rule on one record that needs the upload's context. */
  checkRecord?: (record: z.infer<S>, context: RecordContext) => RecordIssue | undefined;
  /** A rule across all records (e.g. the containers forest); returns issues with record indexes. */
  checkAll?: (records: z.infer<S>[], report: (index: number, issue: RecordIssue) => boolean) => void;
  summarize: (records: z.infer<S>[], context: RecordContext) => Summary;
  /** For license-state types: when licensed records become unlicensed (feeds the expiring report). */
  expiries?: (records: z.infer<S>[]) => ExpiryHistogram;
  /**
   * `summarize` one record at a time (summarize is this fold over all records): a bundle file
   * is then summarized as it is read, and no record outlives its batch. Without it (or with
   * `checkAll` or `exactlyOne`), a bundle file's records are kept until the file is read.
   */
  summaryFold?: (context: RecordContext) => RecordFold<z.infer<S>, Summary>;
  /** `expiries` one record at a time, as summaryFold. */
  expiriesFold?: () => RecordFold<z.infer<S>, ExpiryHistogram>;
}

/** A result built one record at a time: `add` each record in order, then `result()` once. */
export interface RecordFold<R, Result> {
  add(record: R): void;
  result(): Result;
}

/** The fold's result over all of `records`. */
export function foldAll<R, Result>(fold: RecordFold<R, Result>, records: readonly R[]): Result {
  for (const record of records) fold.add(record);
  return fold.result();
}

/**
 * Licensed records by the date they become unlicensed, `{ 'YYYY-MM-DD': count }`, sorted.
 * Bounded: the earliest MAX_EXPIRY_DATES dates are kept; later ones are counted in `later`.
 */
export interface ExpiryHistogram {
  dates: Record<string, number>;
  later: number;
}

/**
 * A record schema built at its first use, not at import. Valid records are checked by the fast
 * check compiled from the JSON Schema derived at build time (schemas/fastValidator.ts), so the
 * upload functions build a type's zod schema only to say what is wrong with an invalid record,
 * and their cold start builds none (about 1.6 ms of the import of each function holding the
 * registry). The answer is the schema's builder: call it for the schema (`deviceRecordSchema()`).
 */
export function recordSchema<S extends z.core.$ZodType>(build: () => S): () => S {
  return lazy(build);
}

export function defineQuery<S extends z.core.$ZodType, Summary, const Q extends string, const O extends boolean>(spec: QuerySpec<S, Summary, Q, O>): QuerySpec<S, Summary, Q, O> {
  return spec;
}
