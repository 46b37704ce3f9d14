/**
 * The summary of each query type as the API shows it (DESIGN.md §3, "Summaries"), one schema
 * per type. The type check below ties each schema to its summarizer's return type, so a
 * summarizer and its documentation cannot drift apart.
 */
import * as z from 'zod';
import { MAX_HISTOGRAM_KEYS, OTHER_KEY } from '../domain/queries/histogram.js';
import type { querySpecs, QueryType } from '../domain/queries/index.js';
import { EXPIRY_WINDOW_DAYS } from '../domain/queries/licenseState.js';
import { userCountRecordSchema } from '../domain/queries/userCounts.js';
import { count, isoDate, withMeta } from '../domain/schemas/fields.js';

const histogram = z.record(z.string(), count).meta({
  description: `Sums by key, keys sorted; at most ${MAX_HISTOGRAM_KEYS} keys, the rest summed under "${OTHER_KEY}".`,
});

/** LS of DESIGN.md §3, counted against the date of collectedAt. */
export const licenseStateSummary = z.strictObject({
  licensed: count,
  unlicensed: count,
  nextUnlicensedOn: z.nullable(isoDate).meta({ description: 'The earliest unlicensedOn among licensed records.' }),
  expiringWithin30Days: withMeta(count, { description: `Licensed records whose unlicensedOn is at most ${EXPIRY_WINDOW_DAYS} days after the date of collectedAt.` }),
});

export const summarySchemas = {
  'call-quality': z.strictObject({
    streams: count,
    poorStreams: count,
    avgMos: z.number().min(1).max(5).nullable().meta({ description: 'Weighted by streams; null when there are no streams.' }),
  }),
  'completed-schedules': z.strictObject({ completed: count, byScheduleType: histogram }),
  'user-actions': z.strictObject({ users: count, actions: count }),
  'container-license-states': licenseStateSummary,
  containers: z.strictObject({
    total: count,
    roots: count,
    maxDepth: withMeta(count, { description: 'A root is depth 1; an empty upload has 0.' }),
  }),
  'device-license-states': licenseStateSummary,
  'device-versions': z.strictObject({ total: count, bySoftwareVersion: histogram }),
  devices: z.strictObject({
    total: count,
    byType: histogram,
    byIdentifier: z.strictObject({ arid: count, hardwareId: count, serialNumber: count }).meta({
      description: 'Devices having each identifier (non-null).',
    }),
  }),
  'event-counts': z.strictObject({ devices: count, totalEvents: count, maxEvents: count }),
  'licensing-counts': z.strictObject({ items: histogram.meta({ description: 'The sum of count by item.' }) }),
  probes: z.strictObject({
    total: count,
    restartsToday: count,
    staleProbes: withMeta(count, { description: 'Probes with no check-in in the 24 h before collectedAt.' }),
  }),
  'user-counts': userCountRecordSchema(),
} satisfies Record<QueryType, z.core.$ZodType>;

type SpecOf<Q extends QueryType> = Extract<(typeof querySpecs)[number], { queryType: Q }>;
export type SummaryOf<Q extends QueryType> = ReturnType<SpecOf<Q>['summarize']>;
export type SummaryBody<Q extends QueryType> = z.output<(typeof summarySchemas)[Q]>;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Mismatched = { [Q in QueryType]: Same<SummaryBody<Q>, SummaryOf<Q>> extends true ? never : Q }[QueryType];
/** Fails to compile, naming the query type, when a schema and its summarizer disagree. */
export const summariesMatchSummarizers: [Mismatched] extends [never] ? true : { mismatched: Mismatched } = true;
