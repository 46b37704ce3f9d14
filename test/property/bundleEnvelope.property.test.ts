/**
 * A bundle file's envelope is made a batch of records at a time (queryFile.ts
 * envelopeBytesInTurns, so that no string of the whole envelope exists and the event loop turns):
 * the bytes are those one JSON.stringify of the whole envelope gives, and the value handed to
 * validation is what parsing them gives.
 */
import fc from 'fast-check';
import { envelopeBytes, envelopeBytesInTurns, typedCell } from '../../functions/bundles/queryFile.js';
import { propertyOptions } from './settings.js';

const header = { collectedAt: '2026-12-01T00:00:00Z', mpaVersion: '3.4.1.12' };

it('gives the bytes of one JSON.stringify, whatever the records', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.array(fc.object(), { maxLength: 30 }), fc.array(fc.jsonValue(), { maxLength: 30 }), fc.jsonValue()), async (records) => {
      expect((await envelopeBytesInTurns(header, records)).toString()).toBe(envelopeBytes(header, records).toString());
    }),
    propertyOptions(300),
  );
});

it('cuts more records than a batch into batches with the same bytes', async () => {
  const records = Array.from({ length: 25_001 }, (_, i) => ({ deviceId: `d${i}`, n: i, ok: i % 2 === 0, none: null, skipped: undefined }));
  const bytes = await envelopeBytesInTurns(header, records);
  expect(bytes.equals(envelopeBytes(header, records))).toBe(true);
  expect(JSON.parse(bytes.toString()).records).toHaveLength(25_001);
});

it('types a CSV cell "-0" as the 0 its JSON bytes say', () => {
  expect(Object.is(typedCell('-0', new Set(['number'])), 0)).toBe(true);
  expect(Object.is(typedCell('-0.0', new Set(['integer'])), 0)).toBe(true);
});
