import * as z from 'zod/mini';
import { count, isoDateTime, opaqueToken } from '../schemas/fields.js';
import { defineQuery, type RecordContext } from './types.js';

export const probeRecord = z.strictObject({ probeId: opaqueToken, lastCheckIn: isoDateTime, restartsToday: count });
export type ProbeRecord = z.infer<typeof probeRecord>;

/** A probe is stale when it has not checked in during the 24 h before collectedAt. */
export const PROBE_STALE_AFTER_MS = 24 * 60 * 60 * 1000;

export function summarizeProbes(records: readonly ProbeRecord[], context: RecordContext) {
  const staleBefore = context.collectedAt.getTime() - PROBE_STALE_AFTER_MS;
  let restartsToday = 0;
  let staleProbes = 0;
  for (const p of records) {
    restartsToday += p.restartsToday;
    if (Date.parse(p.lastCheckIn) < staleBefore) staleProbes += 1;
  }
  return { total: records.length, restartsToday, staleProbes };
}

export const probes = defineQuery({
  queryType: 'probes',
  optional: false,
  record: probeRecord,
  uniqueBy: ['probeId'],
  summarize: summarizeProbes,
});
