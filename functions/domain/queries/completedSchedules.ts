import * as z from 'zod/mini';
import { count, deviceType, text } from '../schemas/fields.js';
import { histogramOf } from './histogram.js';
import { defineQuery } from './types.js';

export const completedScheduleRecord = z.strictObject({ deviceType, scheduleType: text(64), completed: count });
export type CompletedScheduleRecord = z.infer<typeof completedScheduleRecord>;

export function summarizeCompletedSchedules(records: readonly CompletedScheduleRecord[]) {
  let completed = 0;
  for (const r of records) completed += r.completed;
  return { completed, byScheduleType: histogramOf(records, (r) => r.scheduleType, (r) => r.completed) };
}

export const completedSchedules = defineQuery({
  queryType: 'completed-schedules',
  optional: true,
  record: completedScheduleRecord,
  uniqueBy: ['deviceType', 'scheduleType'],
  summarize: summarizeCompletedSchedules,
});
