/**
 * A bundle file's envelope is made a batch of records at a time and never held whole
 * (queryFile.ts envelopePieces, uploadJson.ts builtUploadJson): the pieces are the bytes one
 * JSON.stringify of the whole envelope gives, and what the upload path gets from them (SHA-256,
 * archive, the e-mail hint, the value) is what it gets from those bytes in one buffer.
 */
import fc from 'fast-check';
import { envelopeBytes, envelopePieces, typedCell } from '../../functions/bundles/queryFile.js';
import { builtUploadJson, plainUploadJson } from '../../functions/domain/uploadJson.js';
import { propertyOptions } from './settings.js';

const header = { collectedAt: '2026-12-01T00:00:00Z', mpaVersion: '3.4.1.12' };

async function joined(records: unknown): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of envelopePieces(header, records)) pieces.push(piece);
  return Buffer.concat(pieces);
}

it('gives the bytes of one JSON.stringify, whatever the records', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.array(fc.object(), { maxLength: 30 }), fc.array(fc.jsonValue(), { maxLength: 30 }), fc.jsonValue()), async (records) => {
      expect((await joined(records)).equals(envelopeBytes(header, records))).toBe(true);
    }),
    propertyOptions(300),
  );
});

it('cuts more records than a batch into batches with the same bytes, and the upload path sees the same upload', async () => {
  const records = Array.from({ length: 25_001 }, (_, i) => ({ deviceId: `d${i}`, n: i, ok: i % 2 === 0, none: null, skipped: undefined, at: i === 20_000 ? 'x\\u0040y' : 'z' }));
  const whole = envelopeBytes(header, records);
  expect((await joined(records)).equals(whole)).toBe(true);
  const envelope = JSON.parse(whole.toString());
  const built = await builtUploadJson(envelopePieces(header, records), envelope);
  const plain = plainUploadJson(whole);
  expect(built.parse()).toBe(envelope);
  expect({ byteLength: built.byteLength, mayContainEmail: built.mayContainEmail, sha256: await built.sha256() }).toEqual({
    byteLength: plain.byteLength,
    mayContainEmail: plain.mayContainEmail,
    sha256: await plain.sha256(),
  });
  // The archive is the same gzip bytes, so the same snapshot is archived under the same name.
  expect(await built.archive()).toEqual(await plain.archive());
});

it('gives the same hints for arbitrary records', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.constant('a@b'))), { maxLength: 20 }), async (records) => {
      const whole = envelopeBytes(header, records);
      const built = await builtUploadJson(envelopePieces(header, records), JSON.parse(whole.toString()));
      const plain = plainUploadJson(whole);
      expect([built.mayContainEmail, await built.sha256(), (await built.archive()).sha256]).toEqual([plain.mayContainEmail, await plain.sha256(), (await plain.archive()).sha256]);
    }),
    propertyOptions(100),
  );
});

it('types a CSV cell "-0" as the 0 its JSON bytes say', () => {
  expect(Object.is(typedCell('-0', new Set(['number'])), 0)).toBe(true);
  expect(Object.is(typedCell('-0.0', new Set(['integer'])), 0)).toBe(true);
});
