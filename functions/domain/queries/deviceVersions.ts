import * as z from 'zod/mini';
import { deviceId, text } from '../schemas/fields.js';
import { Histogram } from './histogram.js';
import { defineQuery, foldAll, type RecordFold, recordSchema } from './types.js';

export const deviceVersionRecordSchema = recordSchema(() => z.strictObject({ deviceId, softwareVersion: text(64), hardwareVersion: z.nullable(text(64)) }));
export type DeviceVersionRecord = z.infer<ReturnType<typeof deviceVersionRecordSchema>>;

/** The device-versions summary one record at a time (as histogramOf counts). */
export function deviceVersionsFold(): RecordFold<DeviceVersionRecord, { total: number; bySoftwareVersion: Record<string, number> }> {
  const bySoftwareVersion = new Histogram();
  let total = 0;
  return {
    add(d) {
      total += 1;
      bySoftwareVersion.add(d.softwareVersion);
    },
    result: () => ({ total, bySoftwareVersion: bySoftwareVersion.sorted() }),
  };
}

export function summarizeDeviceVersions(records: readonly DeviceVersionRecord[]) {
  return foldAll(deviceVersionsFold(), records);
}

export const deviceVersions = defineQuery({
  queryType: 'device-versions',
  optional: false,
  record: deviceVersionRecordSchema,
  uniqueBy: ['deviceId'],
  summarize: summarizeDeviceVersions,
  summaryFold: deviceVersionsFold,
});
