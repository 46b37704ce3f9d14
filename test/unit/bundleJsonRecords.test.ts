/**
 * A bundle's `.json` file is parsed as it is inflated (functions/bundles/queryFile.ts
 * jsonRecords, with the file read again where the streamed parse gives up): the value is
 * exactly what one JSON.parse of the whole file gives, and an error is the same problem.
 */
import fc from 'fast-check';
import { jsonRecords } from '../../functions/bundles/queryFile.js';
import { problemOfAsync } from './helpers.js';

/** The bytes in chunks cut at the given sizes (cycled), as an inflater hands them out. */
async function* chunked(bytes: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length]!);
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

/** Streamed (with a re-read) and whole: both outcomes, value or problem. */
async function bothWays(bytes: Buffer, sizes: number[]): Promise<[unknown, unknown]> {
  const outcome = (run: () => Promise<unknown>) => run().then((value) => ({ value }), () => problemOfAsync(run));
  return [await outcome(() => jsonRecords(chunked(bytes, sizes), () => chunked(bytes, [64 * 1024]))), await outcome(() => jsonRecords(chunked(bytes, sizes)))];
}

const record = fc.dictionary(fc.oneof(fc.constantFrom('deviceId', 'records', '__proto__'), fc.string()), fc.oneof(fc.string(), fc.constantFrom('},{', ']}', '\ufeff', 'Zürich ✓'), fc.integer(), fc.constant(null)), { maxKeys: 4 });

describe('a bundle .json file, parsed as inflated', () => {
  it('equals the whole-file parse on arrays of records, other JSON and damaged text', async () => {
    const texts = fc.oneof(
      fc.array(record, { maxLength: 30 }).chain((records) => fc.constantFrom(JSON.stringify(records), ` ${JSON.stringify(records, null, 2)}\n`)),
      fc.json(),
      fc.tuple(fc.array(record, { minLength: 1, maxLength: 10 }), fc.nat(), fc.constantFrom('', ',', ']', '}', '"', '\ufeff')).map(([records, at, insert]) => {
        const text = JSON.stringify(records);
        const i = at % text.length;
        return text.slice(0, i) + insert + text.slice(i + 1);
      }),
    );
    await fc.assert(
      fc.asyncProperty(texts, fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 4 }), async (text, sizes) => {
        const [streamed, whole] = await bothWays(Buffer.from(text), sizes);
        expect(streamed).toStrictEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('parses a file larger than several batches in batches, to the same records', async () => {
    const records = Array.from({ length: 40_000 }, (_, i) => ({ deviceId: `d${i}`, type: 'phone', note: i % 7 === 0 ? '},{"x":1}' : 'ok', n: i }));
    const bytes = Buffer.from(JSON.stringify(records));
    expect(bytes.length).toBeGreaterThan(2 * 1024 * 1024);
    let reread = false;
    const value = await jsonRecords(chunked(bytes, [65_536, 12_345]), () => {
      reread = true;
      return chunked(bytes, [65_536]);
    });
    expect(reread).toBe(false);
    expect(value).toStrictEqual(records);
  });
});
