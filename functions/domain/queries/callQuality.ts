import * as z from 'zod/mini';
import { count, deviceType, range } from '../schemas/fields.js';
import { defineQuery, foldAll, type RecordFold, type RecordIssue, recordSchema } from './types.js';

export const callQualityRecordSchema = recordSchema(() => z.strictObject({
  deviceType,
  streams: count,
  poorStreams: count,
  avgMos: range(1, 5),
  avgRFactor: range(0, 100),
  avgJitterMs: z.number().check(z.gte(0)),
  avgPacketLossPct: range(0, 100),
  avgLatencyMs: z.number().check(z.gte(0)),
}));
export type CallQualityRecord = z.infer<ReturnType<typeof callQualityRecordSchema>>;

export function checkPoorStreams(r: CallQualityRecord): RecordIssue | undefined {
  return r.poorStreams <= r.streams ? undefined : { path: ['poorStreams'], message: 'must not exceed streams' };
}

/** avgMos is weighted by streams; null when no stream was measured. */
/** The call-quality summary one record at a time. */
export function callQualityFold(): RecordFold<CallQualityRecord, { streams: number; poorStreams: number; avgMos: number | null }> {
  let streams = 0;
  let poorStreams = 0;
  let mosTimesStreams = 0;
  return {
    add(r) {
      streams += r.streams;
      poorStreams += r.poorStreams;
      mosTimesStreams += r.avgMos * r.streams;
    },
    result: () => ({ streams, poorStreams, avgMos: streams === 0 ? null : mosTimesStreams / streams }),
  };
}

export function summarizeCallQuality(records: readonly CallQualityRecord[]) {
  return foldAll(callQualityFold(), records);
}

export const callQuality = defineQuery({
  queryType: 'call-quality',
  optional: true,
  record: callQualityRecordSchema,
  uniqueBy: ['deviceType'],
  checkRecord: checkPoorStreams,
  summarize: summarizeCallQuality,
  summaryFold: callQualityFold,
});
