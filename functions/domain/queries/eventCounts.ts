import * as z from 'zod/mini';
import { count, deviceId, withMeta } from '../schemas/fields.js';
import { defineQuery, foldAll, type RecordFold, recordSchema } from './types.js';

export const eventCountRecordSchema = recordSchema(() => z.strictObject({
  deviceId,
  events: withMeta(count, { description: 'Events in the 24 h before collectedAt.' }),
}));
export type EventCountRecord = z.infer<ReturnType<typeof eventCountRecordSchema>>;

/** The event-counts summary one record at a time. */
export function eventCountsFold(): RecordFold<EventCountRecord, { devices: number; totalEvents: number; maxEvents: number }> {
  let devices = 0;
  let totalEvents = 0;
  let maxEvents = 0;
  return {
    add(r) {
      devices += 1;
      totalEvents += r.events;
      if (r.events > maxEvents) maxEvents = r.events;
    },
    result: () => ({ devices, totalEvents, maxEvents }),
  };
}

export function summarizeEventCounts(records: readonly EventCountRecord[]) {
  return foldAll(eventCountsFold(), records);
}

export const eventCounts = defineQuery({
  queryType: 'event-counts',
  optional: false,
  record: eventCountRecordSchema,
  uniqueBy: ['deviceId'],
  summarize: summarizeEventCounts,
  summaryFold: eventCountsFold,
});
