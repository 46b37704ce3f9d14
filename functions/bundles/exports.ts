/**
 * Query exports as files: what an MPA install writes for an offline bundle, one file per
 * query type, `<queryType>.csv` (header row of the record schema's field names) or
 * `<queryType>.json` (an array of records). Used by the CLI's `samples` and by tests.
 */
import { stringify } from 'csv-stringify/sync';
import type { QueryType } from '../domain/queries/index.js';
import type { FileFormat } from './manifest.js';
import { fieldTypesOf } from './queryFile.js';

export function exportFileName(queryType: QueryType, format: FileFormat): string {
  return `${queryType}.${format}`;
}

export function serializeRecords(queryType: QueryType, records: readonly Record<string, unknown>[], format: FileFormat): Buffer {
  if (format === 'json') return Buffer.from(`${JSON.stringify(records, null, 1)}\n`);
  const columns = [...fieldTypesOf(queryType).keys()];
  return Buffer.from(
    stringify(records as Record<string, unknown>[], {
      header: true,
      columns,
      // csv-stringify writes booleans as 1 and '' by default.
      cast: { boolean: (value) => (value ? 'true' : 'false') },
    }),
  );
}
