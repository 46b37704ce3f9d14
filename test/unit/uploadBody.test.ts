/**
 * From request bytes to JSON text (DESIGN.md §3): Content-Type and Content-Encoding, the size
 * limits as sent and inflated (enforced while inflating), strict UTF-8.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createGzip, gunzipSync, gzipSync } from 'node:zlib';
import {
  DIRECT_BODY_MAX_BYTES,
  MiB,
  directUploadLimits,
  gzipForArchive,
  jsonText,
  parseContentEncoding,
  requireJsonContentType,
} from '../../functions/domain/uploadBody.js';
import { parseJson } from '../../functions/domain/parseJson.js';
import { type ArchiveBytes, plainUploadJson, readUploadJson, startReadingUploadJson } from '../../functions/domain/uploadJson.js';
import { PiecewiseAtScan } from '../../functions/domain/pii.js';
import { envelope, problemOf, problemOfAsync } from './helpers.js';

const json = Buffer.from(JSON.stringify(envelope([{ item: 'IPT users', count: 40 }, { item: 'Zürich ✓', count: 1 }])));
const small = { maxSentBytes: 64 * 1024, maxInflatedBytes: 1 * MiB };

/** gzip of `total` zero bytes, streamed so the zeros are never held in memory at once. */
async function gzipOfZeros(total: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const zeros = Buffer.alloc(MiB);
  for (let written = 0; written < total; written += MiB) gzip.write(zeros.subarray(0, Math.min(MiB, total - written)));
  gzip.end();
  await once(gzip, 'end');
  return Buffer.concat(chunks);
}

describe('the limits of a direct upload', () => {
  it('are 4 MiB as sent (DESIGN.md §3 v1.1) and 100 MiB inflated', () => {
    expect(DIRECT_BODY_MAX_BYTES).toBe(4_194_304);
    expect(directUploadLimits).toEqual({ maxSentBytes: DIRECT_BODY_MAX_BYTES, maxInflatedBytes: 100 * MiB });
  });

  it('a body of 4 MiB as sent is read; one byte more is 413 with a detail that names upload sessions', async () => {
    const envelope = Buffer.from('{"schemaVersion":1}');
    const exactly = Buffer.concat([envelope, Buffer.alloc(DIRECT_BODY_MAX_BYTES - envelope.length, 0x20)]);
    expect((await readUploadJson(exactly, 'identity', directUploadLimits)).parse()).toEqual({ schemaVersion: 1 });
    const problem = await problemOfAsync(() => readUploadJson(Buffer.concat([exactly, Buffer.from(' ')]), 'identity', directUploadLimits));
    expect(problem).toMatchObject({ status: 413, code: 'payload_too_large', detail: expect.stringContaining('upload session (POST /v1/upload-sessions') });
  });
});

describe('readUploadJson: sizes, gzip, limits', () => {
  it('passes identity bodies through', async () => {
    const body = await readUploadJson(json, 'identity', small);
    expect({ byteLength: body.byteLength, sentBytes: body.sentBytes }).toEqual({ byteLength: json.length, sentBytes: json.length });
    expect(body.parse()).toEqual(JSON.parse(json.toString('utf8')));
  });

  it('round-trips gzip', async () => {
    const sent = gzipSync(json);
    const decoded = await readUploadJson(sent, 'gzip', small);
    expect({ byteLength: decoded.byteLength, sentBytes: decoded.sentBytes }).toEqual({ byteLength: json.length, sentBytes: sent.length });
    expect(decoded.parse()).toEqual(parseJson(jsonText(json)));
    const archive = await decoded.archive();
    expect(archive.gzip).toBe(sent);
    expect(archive.sha256).toBe(createHash('sha256').update(sent).digest('hex'));
  });

  it("gives the content's SHA-256 when asked, the same for the body plain and gzip, in slices of at most 1 MiB", async () => {
    // 2.5 MiB: several inflate chunks, and a plain buffer hashed in three slices.
    const large = Buffer.alloc(2.5 * MiB, 'x');
    const expected = createHash('sha256').update(large).digest('hex');
    const plain = plainUploadJson(large);
    const inflated = await readUploadJson(gzipSync(large), 'gzip', directUploadLimits);
    expect(await plain.sha256()).toBe(expected);
    expect(await inflated.sha256()).toBe(expected);
    // Asked again: the same answer (the chunks were let go after the first).
    expect(await inflated.sha256()).toBe(expected);
    expect(await plainUploadJson(Buffer.alloc(0)).sha256()).toBe(createHash('sha256').digest('hex'));
  });

  it('hashes a plain body in turns of the event loop, so that I/O set off before goes on meanwhile', async () => {
    const body = plainUploadJson(Buffer.alloc(4 * MiB, 'y'));
    let settled = false;
    const hashing = body.sha256().then(() => (settled = true));
    // Another turn-by-turn task beside it gets a turn between each two of the hash's four (one per MiB).
    let turns = 0;
    const tick = () => {
      if (settled) return;
      turns += 1;
      setImmediate(tick);
    };
    setImmediate(tick);
    await hashing;
    expect(turns).toBeGreaterThanOrEqual(3);
  });

  it('hashes a gzip body of many chunks as it reads it, on the hashing thread', async () => {
    const total = 6 * MiB + 123;
    const body = await readUploadJson(await gzipOfZeros(total), 'gzip', { maxSentBytes: 100 * MiB, maxInflatedBytes: 100 * MiB });
    expect(await body.sha256()).toBe(createHash('sha256').update(Buffer.alloc(total)).digest('hex'));
  });

  it('hands over the envelope head and the bytes to archive once the records array opens, before it is read', async () => {
    const records = Array.from({ length: 40_000 }, (_, i) => ({ item: `item ${i}`, count: i }));
    const body = envelope(records);
    const big = Buffer.from(JSON.stringify(body));
    const sent = gzipSync(big);
    const reading = startReadingUploadJson(sent, 'gzip', directUploadLimits);
    const order: string[] = [];
    void reading.head.then(() => order.push('head'));
    void reading.json.then(() => order.push('json'));
    const head = (await reading.head)!;
    const decoded = await reading.json;
    expect(order).toEqual(['head', 'json']);
    expect(head.value).toEqual({ ...body, records: [] });
    const archive: ArchiveBytes = await head.archive;
    expect(archive.gzip).toBe(sent);
    expect(archive.sha256).toBe(createHash('sha256').update(sent).digest('hex'));
    expect(await decoded.archive()).toBe(archive);
    expect(decoded.parse()).toEqual(body);

    // Before the whole is read: a body cut short still hands over its head, then fails.
    const cut = startReadingUploadJson(sent.subarray(0, sent.length >> 1), 'gzip', directUploadLimits);
    const problem = await problemOfAsync(() => cut.json);
    expect(problem.code).toBe('invalid_json');
    expect((await cut.head)?.value).toEqual(head.value);
  });

  it('names a large archive by its SHA-256 computed on the thread pool, the same digest', async () => {
    // Stored, not compressed: an archive of 2 MiB, over the size hashed off this thread.
    const sent = gzipSync(Buffer.from(JSON.stringify(envelope([{ item: 'x'.repeat(2 * MiB), count: 1 }]))), { level: 0 });
    const archive = await (await readUploadJson(sent, 'gzip', directUploadLimits)).archive();
    expect(archive.sha256).toBe(createHash('sha256').update(sent).digest('hex'));
  });

  it('gives no head where the records do not open the way the streamed parse needs, or the body is plain, nor where the read fails first', async () => {
    const headOf = async (sent: Buffer, encoding: 'gzip' | 'identity') => {
      const reading = startReadingUploadJson(sent, encoding, small);
      await reading.json.catch(() => undefined);
      return reading.head;
    };
    expect(await headOf(gzipSync(Buffer.from('{"collectedAt":"x","records":{"a":1}}')), 'gzip')).toBeUndefined();
    expect(await headOf(gzipSync(Buffer.from('[1,2,3]')), 'gzip')).toBeUndefined();
    expect(await headOf(json, 'identity')).toBeUndefined();
    expect(await headOf(Buffer.from('not gzip'), 'gzip')).toBeUndefined();
  });

  it('round-trips gzip made for the archive', async () => {
    const archived = await gzipForArchive(json);
    expect(gunzipSync(archived).equals(json)).toBe(true);
    expect((await readUploadJson(archived, 'gzip', small)).parse()).toEqual(JSON.parse(json.toString('utf8')));
    const plainArchive = await plainUploadJson(json).archive();
    expect(gunzipSync(plainArchive.gzip).equals(json)).toBe(true);
    expect(plainArchive.sha256).toBe(createHash('sha256').update(plainArchive.gzip).digest('hex'));
  });

  it('accepts a body of exactly maxSentBytes', async () => {
    const body = Buffer.alloc(1000, 0x20);
    expect((await readUploadJson(body, 'identity', { maxSentBytes: 1000, maxInflatedBytes: 1000 })).byteLength).toBe(1000);
  });

  it.each(['identity', 'gzip'] as const)('rejects %s bodies over maxSentBytes with payload_too_large', async (encoding) => {
    const body = encoding === 'gzip' ? gzipSync(Buffer.alloc(4000, 0x20), { level: 0 }) : Buffer.alloc(4000, 0x20);
    const problem = await problemOfAsync(() => readUploadJson(body, encoding, { maxSentBytes: 1000, maxInflatedBytes: MiB }));
    expect(problem.code).toBe('payload_too_large');
    expect(problem.status).toBe(413);
  });

  it('rejects a direct upload over 6 MB as sent', async () => {
    const problem = await problemOfAsync(() => readUploadJson(Buffer.alloc(6 * MiB + 1, 0x20), 'identity', directUploadLimits));
    expect(problem.code).toBe('payload_too_large');
  });

  it('rejects an identity body over maxInflatedBytes', async () => {
    const problem = await problemOfAsync(() => readUploadJson(Buffer.alloc(2000, 0x20), 'identity', { maxSentBytes: 4000, maxInflatedBytes: 1000 }));
    expect(problem.code).toBe('payload_too_large');
  });

  it('accepts gzip inflating to exactly maxInflatedBytes and rejects one byte more', async () => {
    const limits = { maxSentBytes: 64 * 1024, maxInflatedBytes: 5000 };
    expect((await readUploadJson(gzipSync(Buffer.alloc(5000, 0x20)), 'gzip', limits)).byteLength).toBe(5000);
    const problem = await problemOfAsync(() => readUploadJson(gzipSync(Buffer.alloc(5001, 0x20)), 'gzip', limits));
    expect(problem.code).toBe('payload_too_large');
  });

  describe('a gzip bomb (200 MB of zeros)', () => {
    let bomb: Buffer;
    beforeAll(async () => {
      bomb = await gzipOfZeros(200 * MiB);
    });

    it('is small as sent', () => {
      expect(bomb.length).toBeLessThan(directUploadLimits.maxSentBytes);
    });

    it('is rejected with payload_too_large against a small limit', async () => {
      const problem = await problemOfAsync(() => readUploadJson(bomb, 'gzip', { maxSentBytes: MiB, maxInflatedBytes: MiB }));
      expect(problem.code).toBe('payload_too_large');
    });

    it('is rejected with payload_too_large against the direct upload limits', async () => {
      const problem = await problemOfAsync(() => readUploadJson(bomb, 'gzip', directUploadLimits));
      expect(problem.code).toBe('payload_too_large');
    });
  });

  it.each([
    ['bytes that are not gzip', () => Buffer.from('{"not":"gzip"}')],
    ['a truncated stream', () => gzipSync(json).subarray(0, 20)],
    ['a corrupted stream', () => {
      const gz = Buffer.from(gzipSync(json));
      for (let i = 12; i < gz.length - 8; i++) gz[i] = gz[i]! ^ 0xa5;
      return gz;
    }],
    ['a wrong checksum', () => {
      const gz = Buffer.from(gzipSync(json));
      gz[gz.length - 6] = gz[gz.length - 6]! ^ 0xff;
      return gz;
    }],
    ['an empty body', () => Buffer.alloc(0)],
  ])('rejects %s sent as gzip with invalid_json', async (_label, make) => {
    const problem = await problemOfAsync(() => readUploadJson(make(), 'gzip', small));
    expect(problem.code).toBe('invalid_json');
    expect(problem.status).toBe(400);
  });
});

describe('parseContentEncoding', () => {
  it.each([
    [undefined, 'identity'],
    ['', 'identity'],
    ['identity', 'identity'],
    ['gzip', 'gzip'],
    ['GZIP', 'gzip'],
    [' gzip ', 'gzip'],
    ['x-gzip', 'gzip'],
  ] as const)('%j is %s', (header, expected) => {
    expect(parseContentEncoding(header)).toBe(expected);
  });

  it.each([['br'], ['deflate'], ['compress'], ['zstd'], ['gzip, br'], ['gzip;q=1']])('rejects %j with unsupported_media_type', (header) => {
    const problem = problemOf(() => parseContentEncoding(header));
    expect(problem.code).toBe('unsupported_media_type');
    expect(problem.status).toBe(415);
  });
});

describe('requireJsonContentType', () => {
  it.each([['application/json'], ['application/json; charset=utf-8'], ['Application/JSON'], [' application/json ;charset=UTF-8']])('accepts %j', (contentType) => {
    expect(() => requireJsonContentType(contentType)).not.toThrow();
  });

  it.each([[undefined], [''], ['text/plain'], ['text/json'], ['application/x-www-form-urlencoded'], ['multipart/form-data; boundary=x'], ['application/jsonx'], ['application/zip']])(
    'rejects %j with unsupported_media_type',
    (contentType) => {
      const problem = problemOf(() => requireJsonContentType(contentType));
      expect(problem.code).toBe('unsupported_media_type');
      expect(problem.status).toBe(415);
    },
  );
});

describe('jsonText', () => {
  it('decodes UTF-8, multi-byte characters included', () => {
    expect(jsonText(Buffer.from('{"city":"Zürich ✓ 𝄞"}'))).toBe('{"city":"Zürich ✓ 𝄞"}');
  });

  it('drops a byte-order mark so the text parses', () => {
    const text = jsonText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]));
    expect(parseJson(text)).toEqual({ a: 1 });
  });

  it.each([
    ['a lone 0xff', [0x7b, 0xff, 0x7d]],
    ['a Latin-1 ü', [0x22, 0xfc, 0x22]],
    ['an overlong "/"', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a truncated sequence', [0x22, 0xe2, 0x82]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('rejects %s with invalid_json', (_label, bytes) => {
    const problem = problemOf(() => jsonText(Buffer.from(bytes)));
    expect(problem.code).toBe('invalid_json');
  });

  it('rejects UTF-16', () => {
    expect(problemOf(() => jsonText(Buffer.from('\ud800', 'utf16le'))).code).toBe('invalid_json');
  });
});

describe('PiecewiseAtScan', () => {
  it('sees an escaped @ cut into pieces of any size', () => {
    const text = '"\\u0040"';
    for (let a = 1; a < text.length; a++) {
      for (let b = a + 1; b < text.length; b++) {
        const scan = new PiecewiseAtScan();
        for (const piece of [text.slice(0, a), text.slice(a, b), text.slice(b)]) scan.push(Buffer.from(piece));
        expect(scan.mayContainAt).toBe(true);
      }
    }
  });
});
