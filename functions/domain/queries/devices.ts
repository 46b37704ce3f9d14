import * as z from 'zod/mini';
import { deviceId, deviceType, opaqueToken, text } from '../schemas/fields.js';
import { Histogram } from './histogram.js';
import { defineQuery, foldAll, type RecordFold, type RecordIssue, recordSchema } from './types.js';

export const deviceRecordSchema = recordSchema(() => z.strictObject({
  deviceId,
  deviceType,
  containerId: opaqueToken,
  probeId: z.nullable(opaqueToken),
  arid: z.nullable(z.string().check(z.regex(/^[0-9]{5,12}$/, 'must be 5 to 12 digits'))),
  hardwareId: z.nullable(text(128)),
  serialNumber: z.nullable(text(128)),
}));

export type DeviceRecord = z.infer<ReturnType<typeof deviceRecordSchema>>;

export function checkDeviceIdentifiers(d: DeviceRecord): RecordIssue | undefined {
  if (d.arid !== null || d.hardwareId !== null || d.serialNumber !== null) return undefined;
  return { path: [], message: 'at least one of arid, hardwareId and serialNumber must be non-null' };
}

export interface DevicesSummary {
  total: number;
  byType: Record<string, number>;
  byIdentifier: { arid: number; hardwareId: number; serialNumber: number };
}

/** The devices summary one record at a time. */
export function devicesFold(): RecordFold<DeviceRecord, DevicesSummary> {
  const byType = new Histogram();
  let total = 0;
  let arid = 0;
  let hardwareId = 0;
  let serialNumber = 0;
  return {
    add(d) {
      total += 1;
      byType.add(d.deviceType);
      if (d.arid !== null) arid += 1;
      if (d.hardwareId !== null) hardwareId += 1;
      if (d.serialNumber !== null) serialNumber += 1;
    },
    result: () => ({ total, byType: byType.sorted(), byIdentifier: { arid, hardwareId, serialNumber } }),
  };
}

export function summarizeDevices(records: readonly DeviceRecord[]): DevicesSummary {
  return foldAll(devicesFold(), records);
}

export const devices = defineQuery({
  queryType: 'devices',
  optional: false,
  record: deviceRecordSchema,
  uniqueBy: ['deviceId'],
  checkRecord: checkDeviceIdentifiers,
  summarize: summarizeDevices,
  summaryFold: devicesFold,
});
