import * as z from 'zod/mini';
import { count, text, withMeta } from '../schemas/fields.js';
import { histogramOf } from './histogram.js';
import { defineQuery } from './types.js';

export const licensingCountRecord = z.strictObject({
  item: withMeta(text(128), { description: 'What a license may be based on, e.g. "IPT users".' }),
  count,
});
export type LicensingCountRecord = z.infer<typeof licensingCountRecord>;

export function summarizeLicensingCounts(records: readonly LicensingCountRecord[]) {
  return { items: histogramOf(records, (r) => r.item, (r) => r.count) };
}

export const licensingCounts = defineQuery({
  queryType: 'licensing-counts',
  optional: false,
  record: licensingCountRecord,
  uniqueBy: ['item'],
  summarize: summarizeLicensingCounts,
});
