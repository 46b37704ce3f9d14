import * as z from 'zod/mini';
import { deviceId, text } from '../schemas/fields.js';
import { histogramOf } from './histogram.js';
import { defineQuery } from './types.js';

export const deviceVersionRecord = z.strictObject({ deviceId, softwareVersion: text(64), hardwareVersion: z.nullable(text(64)) });
export type DeviceVersionRecord = z.infer<typeof deviceVersionRecord>;

export function summarizeDeviceVersions(records: readonly DeviceVersionRecord[]) {
  return { total: records.length, bySoftwareVersion: histogramOf(records, (d) => d.softwareVersion) };
}

export const deviceVersions = defineQuery({
  queryType: 'device-versions',
  optional: false,
  record: deviceVersionRecord,
  uniqueBy: ['deviceId'],
  summarize: summarizeDeviceVersions,
});
