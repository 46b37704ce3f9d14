import * as z from 'zod/mini';
import { count, text, withMeta } from '../schemas/fields.js';
import { Histogram } from './histogram.js';
import { defineQuery, foldAll, type RecordFold, recordSchema } from './types.js';

export const licensingCountRecordSchema = recordSchema(() => z.strictObject({
  item: withMeta(text(128), { description: 'What a license may be based on, e.g. "IPT users".' }),
  count,
}));
export type LicensingCountRecord = z.infer<ReturnType<typeof licensingCountRecordSchema>>;

/** The licensing-counts summary one record at a time (as histogramOf sums). */
export function licensingCountsFold(): RecordFold<LicensingCountRecord, { items: Record<string, number> }> {
  const items = new Histogram();
  return {
    add: (r) => items.add(r.item, r.count),
    result: () => ({ items: items.sorted() }),
  };
}

export function summarizeLicensingCounts(records: readonly LicensingCountRecord[]) {
  return foldAll(licensingCountsFold(), records);
}

export const licensingCounts = defineQuery({
  queryType: 'licensing-counts',
  optional: false,
  record: licensingCountRecordSchema,
  uniqueBy: ['item'],
  summarize: summarizeLicensingCounts,
  summaryFold: licensingCountsFold,
});
