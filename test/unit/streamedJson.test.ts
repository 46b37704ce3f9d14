/**
 * The streamed parse of an upload (functions/domain/streamedJson.ts, uploadJson.ts) gives exactly
 * what one JSON.parse of the whole text gives, whatever the chunking, or hands the text back to
 * the whole-text parse; and the one-pass gzip reader agrees with the whole-buffer path on the
 * hash, the e-mail hint, the parsed value and every error.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { StreamedJsonParser } from '../../functions/domain/streamedJson.js';
import { jsonMayContainAt } from '../../functions/domain/pii.js';
import { MiB, jsonText } from '../../functions/domain/uploadBody.js';
import { INFLATE_CHUNK, plainUploadJson, readUploadJson } from '../../functions/domain/uploadJson.js';
import { parseJson } from '../../functions/domain/parseJson.js';
import { problemOf, problemOfAsync } from './helpers.js';

const limits = { maxSentBytes: 64 * MiB, maxInflatedBytes: 64 * MiB };

/** Feeds the bytes in chunks cut at the given sizes (cycled). */
function streamedParse(bytes: Buffer, sizes: number[]): { value: unknown } | undefined {
  const parser = new StreamedJsonParser();
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length]!);
    parser.push(bytes.subarray(at, at + size));
    at += size;
  }
  return parser.finish();
}

/** Strings made to look like the places the parser cuts at. */
const tricky = fc.oneof(
  fc.string(),
  fc.constantFrom('},{', '} , {', ']', '],', '"records":[', '\\"},{\\"', 'Zürich ✓', '😀', '\ufeff', '\\u0040', '@'),
  fc.string({ unit: 'grapheme' }),
);
const record = fc.dictionary(fc.oneof(fc.constantFrom('deviceId', 'records', '__proto__'), fc.string()), fc.oneof(tricky, fc.integer(), fc.constant(null), fc.dictionary(fc.string(), tricky, { maxKeys: 2 })), { maxKeys: 5 });
const spacing = fc.constantFrom(undefined, 0, 2, '\t');

describe('the streamed parse', () => {
  it('equals JSON.parse of the whole text for envelopes of records, whatever the chunks', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 40 }), fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 8 }), spacing, fc.boolean(), (records, sizes, space, recordsFirst) => {
        const envelope = recordsFirst ? { records, schemaVersion: 1, collectedAt: 'x' } : { schemaVersion: 1, collectedAt: 'x', mpaVersion: 'v', records };
        const text = JSON.stringify(envelope, null, space);
        const streamed = streamedParse(Buffer.from(text), sizes);
        expect(streamed).toBeDefined();
        expect(streamed!.value).toStrictEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('never differs from JSON.parse on arbitrary JSON or near-JSON text', () => {
    const texts = fc.oneof(
      fc.json(),
      fc.jsonValue().map((v) => JSON.stringify({ records: [v, v], tail: v })),
      // Damaged envelopes: a byte dropped, doubled or replaced.
      fc.tuple(fc.array(record, { minLength: 1, maxLength: 10 }), fc.nat(), fc.constantFrom('', ',', ']', '}', '"', '{')).map(([records, at, insert]) => {
        const text = JSON.stringify({ schemaVersion: 1, records });
        const i = at % text.length;
        return text.slice(0, i) + insert + text.slice(i + 1);
      }),
    );
    fc.assert(
      fc.property(texts, fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 4 }), (text, sizes) => {
        // (A damaged text may hold half a surrogate pair, which becomes U+FFFD as UTF-8.)
        const bytes = Buffer.from(text);
        const streamed = streamedParse(bytes, sizes);
        let whole: { value: unknown } | undefined;
        try {
          whole = { value: JSON.parse(bytes.toString('utf8')) };
        } catch {
          whole = undefined;
        }
        if (streamed !== undefined) expect(streamed).toStrictEqual(whole);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['a later records key wins, as in JSON.parse', '{"records":[{"a":1},{"a":2}],"records":[{"b":1}]}'],
    ['a later empty records key wins', '{"records":[{"a":1},{"a":2}],"records":[]}'],
    ['records nested before the top-level one', '{"x":{"records":[{"a":1},{"a":2}]},"records":[{"b":1},{"b":2}]}'],
    ['the records key inside a string', '{"note":"\\"records\\":[{},{}]","records":[{"b":1},{"b":2}]}'],
    ['a top-level array', '[{"records":[{"a":1},{"a":2}]}]'],
    ['records that are not objects', '{"records":[1,2,[3,{"a":4}],"},{"]}'],
    ['nested arrays of objects in a record', '{"records":[{"a":[{"b":1},{"b":2}]},{"a":[{"b":3},{"b":4}]}]}'],
    ['keys after the records', '{"records":[{"a":1},{"a":2}],"after":[1,{"c":"]"}],"end":{}}'],
  ])('%s', (_name, text) => {
    for (let size = 1; size <= text.length; size++) {
      const streamed = streamedParse(Buffer.from(text), [size]);
      if (streamed !== undefined) expect(streamed.value).toStrictEqual(JSON.parse(text));
    }
  });

  it('hands back what it cannot parse: syntax errors, a byte-order mark, bad UTF-8', () => {
    const ok = '{"records":[{"a":1},{"a":2},{"a":3}]}';
    expect(streamedParse(Buffer.from(ok.replace('2}', '2')), [7])).toBeUndefined();
    expect(streamedParse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ok)]), [7])).toBeUndefined();
    expect(streamedParse(Buffer.from(ok.replace('"a":2', '"\xff":2'), 'latin1'), [7])).toBeUndefined();
    // A character split between two chunks is decoded whole.
    const text = JSON.stringify({ records: [{ a: 'Zürich ✓ 😀' }, { a: 'ok' }, { a: '😀😀' }] });
    for (let size = 1; size < 12; size++) expect(streamedParse(Buffer.from(text), [size])!.value).toStrictEqual(JSON.parse(text));
  });
});

describe('readUploadJson', () => {
  /** The text of a body over several inflate chunks, built once. */
  const largeText = JSON.stringify({
    schemaVersion: 1,
    collectedAt: '2026-11-28T10:00:00Z',
    mpaVersion: '1',
    records: Array.from({ length: 6 * INFLATE_CHUNK / 150 }, (_, i) => ({ deviceId: `dev-${i}`, name: 'x'.repeat(100), city: i % 7 ? 'Zürich' : 'Ottawa' })),
  });
  const largeBody = Buffer.from(largeText);

  /** What a parse gives: its value, or the problem it fails with. */
  function outcome(parse: () => unknown): unknown {
    try {
      return { value: parse() };
    } catch (error) {
      return { problem: (error as { problem: unknown }).problem };
    }
  }

  it('agrees with the whole-buffer path on a gzip body: hash, sizes, e-mail hint, value', async () => {
    const sent = gzipSync(largeBody);
    const body = await readUploadJson(sent, 'gzip', limits);
    const plain = plainUploadJson(largeBody);
    expect({ ...body, parse: undefined, archive: undefined, sha256: undefined, sentBytes: undefined }).toEqual({ ...plain, parse: undefined, archive: undefined, sha256: undefined, sentBytes: undefined });
    const sha256 = await body.sha256();
    expect(sha256).toBe(await plain.sha256());
    expect(sha256).toBe(createHash('sha256').update(largeBody).digest('hex'));
    expect(body.mayContainEmail).toBe(false);
    expect(body.parse()).toStrictEqual(JSON.parse(largeText));
    expect((await body.archive()).gzip).toEqual(sent);
  });

  it('sees an escaped @ that straddles two inflated chunks', async () => {
    const json = Buffer.from(largeText.replace('"name":"xxxxxx', '"name":"x\\u0040x'));
    const straddling = Buffer.concat([largeBody.subarray(0, INFLATE_CHUNK - 3), Buffer.from('\\u0040'), largeBody.subarray(INFLATE_CHUNK - 3)]);
    expect(jsonMayContainAt(straddling)).toBe(true);
    // The escape lands inside a string of the text only by chance; the hint is about bytes.
    expect((await readUploadJson(gzipSync(straddling), 'gzip', limits)).mayContainEmail).toBe(true);
    expect((await readUploadJson(gzipSync(json), 'gzip', limits)).mayContainEmail).toBe(true);
  });

  it.each([
    ['bad JSON', Buffer.from('{"records":[{"a":1},{"a":2]}')],
    ['bad UTF-8', Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d])],
    ['a byte-order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"records":[]}')])],
    ['a damaged large body', Buffer.from(largeText.replace('},{"deviceId":"dev-30000"', '},{deviceId:"dev-30000"'))],
  ])('parses or fails exactly as the whole text does: %s', async (_name, json) => {
    const body = await readUploadJson(gzipSync(json), 'gzip', limits);
    const expected = outcome(() => parseJson(jsonText(json)));
    expect(outcome(() => body.parse())).toEqual(expected);
  });

  it('enforces the limits while inflating, before any JSON error', async () => {
    const json = Buffer.from(`{"records":[${'{"a":1},'.repeat(200_000)}`);
    expect((await problemOfAsync(() => readUploadJson(gzipSync(json), 'gzip', { maxSentBytes: MiB, maxInflatedBytes: MiB }))).status).toBe(413);
    expect((await problemOfAsync(() => readUploadJson(gzipSync(json), 'gzip', { maxSentBytes: 100, maxInflatedBytes: 10 * MiB }))).status).toBe(413);
    expect((await problemOfAsync(() => readUploadJson(json, 'identity', { maxSentBytes: 10 * MiB, maxInflatedBytes: MiB }))).status).toBe(413);
    const notGzip = await problemOfAsync(() => readUploadJson(Buffer.from('not gzip at all'), 'gzip', limits));
    expect(notGzip).toMatchObject({ status: 400, detail: 'The body is not valid gzip data.' });
    expect(problemOf(() => plainUploadJson(Buffer.from('{')).parse()).status).toBe(400);
  });
});
