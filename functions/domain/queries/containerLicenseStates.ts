import * as z from 'zod/mini';
import { opaqueToken } from '../schemas/fields.js';
import { checkLicenseState, expiriesFold, expiryHistogram, licenseStateFields, licenseStatesFold, summarizeLicenseStates } from './licenseState.js';
import { defineQuery, recordSchema } from './types.js';

export const containerLicenseStateRecordSchema = recordSchema(() => z.strictObject({ containerId: opaqueToken, ...licenseStateFields() }));

export const containerLicenseStates = defineQuery({
  queryType: 'container-license-states',
  optional: false,
  record: containerLicenseStateRecordSchema,
  uniqueBy: ['containerId'],
  checkRecord: checkLicenseState,
  summarize: summarizeLicenseStates,
  expiries: expiryHistogram,
  summaryFold: licenseStatesFold,
  expiriesFold,
});
