import * as z from 'zod/mini';
import { count, isoDateTime, opaqueToken } from '../schemas/fields.js';
import { defineQuery, foldAll, type RecordContext, type RecordFold, recordSchema } from './types.js';

export const probeRecordSchema = recordSchema(() => z.strictObject({ probeId: opaqueToken, lastCheckIn: isoDateTime, restartsToday: count }));
export type ProbeRecord = z.infer<ReturnType<typeof probeRecordSchema>>;

/** A probe is stale when it has not checked in during the 24 h before collectedAt. */
export const PROBE_STALE_AFTER_MS = 24 * 60 * 60 * 1000;

/** The probes summary one record at a time. */
export function probesFold(context: RecordContext): RecordFold<ProbeRecord, { total: number; restartsToday: number; staleProbes: number }> {
  const staleBefore = context.collectedAt.getTime() - PROBE_STALE_AFTER_MS;
  let total = 0;
  let restartsToday = 0;
  let staleProbes = 0;
  return {
    add(p) {
      total += 1;
      restartsToday += p.restartsToday;
      if (Date.parse(p.lastCheckIn) < staleBefore) staleProbes += 1;
    },
    result: () => ({ total, restartsToday, staleProbes }),
  };
}

export function summarizeProbes(records: readonly ProbeRecord[], context: RecordContext) {
  return foldAll(probesFold(context), records);
}

export const probes = defineQuery({
  queryType: 'probes',
  optional: false,
  record: probeRecordSchema,
  uniqueBy: ['probeId'],
  summarize: summarizeProbes,
  summaryFold: probesFold,
});
