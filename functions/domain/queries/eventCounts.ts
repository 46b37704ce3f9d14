import * as z from 'zod/mini';
import { count, deviceId, withMeta } from '../schemas/fields.js';
import { defineQuery } from './types.js';

export const eventCountRecord = z.strictObject({
  deviceId,
  events: withMeta(count, { description: 'Events in the 24 h before collectedAt.' }),
});
export type EventCountRecord = z.infer<typeof eventCountRecord>;

export function summarizeEventCounts(records: readonly EventCountRecord[]) {
  let totalEvents = 0;
  let maxEvents = 0;
  for (const r of records) {
    totalEvents += r.events;
    if (r.events > maxEvents) maxEvents = r.events;
  }
  return { devices: records.length, totalEvents, maxEvents };
}

export const eventCounts = defineQuery({
  queryType: 'event-counts',
  optional: false,
  record: eventCountRecord,
  uniqueBy: ['deviceId'],
  summarize: summarizeEventCounts,
});
