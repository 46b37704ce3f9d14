import * as z from 'zod/mini';
import { deviceId } from '../schemas/fields.js';
import { checkLicenseState, expiriesFold, expiryHistogram, licenseStateFields, licenseStatesFold, summarizeLicenseStates } from './licenseState.js';
import { defineQuery, recordSchema } from './types.js';

export const deviceLicenseStateRecordSchema = recordSchema(() => z.strictObject({ deviceId, ...licenseStateFields() }));

export const deviceLicenseStates = defineQuery({
  queryType: 'device-license-states',
  optional: false,
  record: deviceLicenseStateRecordSchema,
  uniqueBy: ['deviceId'],
  checkRecord: checkLicenseState,
  summarize: summarizeLicenseStates,
  expiries: expiryHistogram,
  summaryFold: licenseStatesFold,
  expiriesFold,
});
