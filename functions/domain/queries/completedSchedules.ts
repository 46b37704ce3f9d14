import * as z from 'zod/mini';
import { count, deviceType, text } from '../schemas/fields.js';
import { Histogram } from './histogram.js';
import { defineQuery, foldAll, type RecordFold, recordSchema } from './types.js';

export const completedScheduleRecordSchema = recordSchema(() => z.strictObject({ deviceType, scheduleType: text(64), completed: count }));
export type CompletedScheduleRecord = z.infer<ReturnType<typeof completedScheduleRecordSchema>>;

/** The completed-schedules summary one record at a time (as histogramOf sums). */
export function completedSchedulesFold(): RecordFold<CompletedScheduleRecord, { completed: number; byScheduleType: Record<string, number> }> {
  const byScheduleType = new Histogram();
  let completed = 0;
  return {
    add(r) {
      completed += r.completed;
      byScheduleType.add(r.scheduleType, r.completed);
    },
    result: () => ({ completed, byScheduleType: byScheduleType.sorted() }),
  };
}

export function summarizeCompletedSchedules(records: readonly CompletedScheduleRecord[]) {
  return foldAll(completedSchedulesFold(), records);
}

export const completedSchedules = defineQuery({
  queryType: 'completed-schedules',
  optional: true,
  record: completedScheduleRecordSchema,
  uniqueBy: ['deviceType', 'scheduleType'],
  summarize: summarizeCompletedSchedules,
  summaryFold: completedSchedulesFold,
});
