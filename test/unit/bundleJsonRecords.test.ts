/**
 * A bundle's `.json` file is parsed as it is inflated (functions/bundles/queryFile.ts
 * jsonRecordBatches): the batches joined are exactly what one JSON.parse of the whole file
 * gives, or the parse gives up (NotStreamable) and the file is read whole.
 */
import fc from 'fast-check';
import { jsonRecordBatches, NotStreamable } from '../../functions/bundles/queryFile.js';

/** The bytes in chunks cut at the given sizes (cycled), as an inflater hands them out. */
async function* chunked(bytes: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length]!);
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

/** The batches joined, or NOT_STREAMED where the streamed parse gave up. */
const NOT_STREAMED = Symbol('not streamed');
async function streamed(bytes: Buffer, sizes: number[]): Promise<{ records: unknown[]; batches: number } | typeof NOT_STREAMED> {
  const records: unknown[] = [];
  let batches = 0;
  try {
    for await (const batch of jsonRecordBatches(chunked(bytes, sizes))) {
      records.push(...batch);
      batches++;
    }
  } catch (error) {
    if (error instanceof NotStreamable) return NOT_STREAMED;
    throw error;
  }
  return { records, batches };
}

const record = fc.dictionary(fc.oneof(fc.constantFrom('deviceId', 'records', '__proto__'), fc.string()), fc.oneof(fc.string(), fc.constantFrom('},{', ']}', '\ufeff', 'Zürich ✓'), fc.integer(), fc.constant(null)), { maxKeys: 4 });

describe('a bundle .json file, parsed as inflated', () => {
  it('equals JSON.parse of the whole file, or gives up, on arrays of records, other JSON and damaged text', async () => {
    const texts = fc.oneof(
      fc.array(record, { maxLength: 30 }).chain((records) => fc.constantFrom(JSON.stringify(records), ` ${JSON.stringify(records, null, 2)}\n`)),
      fc.json(),
      fc.tuple(fc.array(record, { minLength: 1, maxLength: 10 }), fc.nat(), fc.constantFrom('', ',', ']', '}', '"', '\ufeff')).map(([records, at, insert]) => {
        const text = JSON.stringify(records);
        const i = at % text.length;
        return text.slice(0, i) + insert + text.slice(i + 1);
      }),
      // Text after the array that would parse inside the wrapper (`{"records":` … `}`).
      fc.tuple(fc.array(record, { maxLength: 5 }), fc.constantFrom(', "x": 1', ',"records":[]', ', "records": [1]', ' , "a":{}')).map(([records, tail]) => JSON.stringify(records) + tail),
    );
    await fc.assert(
      fc.asyncProperty(texts, fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 4 }), async (text, sizes) => {
        const outcome = await streamed(Buffer.from(text), sizes);
        if (outcome === NOT_STREAMED) return;
        expect(outcome.records).toStrictEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('gives up on text after the array, which JSON.parse of the file refuses', async () => {
    for (const tail of [', "extra": 3', ', "records": []', ', "records": [{"b":2}]']) {
      const text = `[{"a":1},{"b":2}]${tail}`;
      expect(() => JSON.parse(text)).toThrow(SyntaxError);
      expect(await streamed(Buffer.from(text), [5])).toBe(NOT_STREAMED);
    }
  });

  it('streams arrays of records', async () => {
    const records = [{ deviceId: 'a', n: 1 }, { deviceId: 'b', note: '},{' }];
    expect(await streamed(Buffer.from(` ${JSON.stringify(records, null, 2)}\n`), [3])).toStrictEqual({ records, batches: 1 });
  });

  it('gives a large file in several batches, the same records', async () => {
    const records = Array.from({ length: 20_000 }, (_, i) => ({ deviceId: `d${i}`, note: i % 7 === 0 ? '},{"x":1}' : 'ok', n: i }));
    const outcome = await streamed(Buffer.from(JSON.stringify(records)), [16_384, 12_345]);
    expect(outcome).not.toBe(NOT_STREAMED);
    const { records: joined, batches } = outcome as { records: unknown[]; batches: number };
    expect(batches).toBeGreaterThan(5);
    expect(joined).toStrictEqual(records);
  });
});
