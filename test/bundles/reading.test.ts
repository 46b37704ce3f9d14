/**
 * The bundle reader's parts without HTTP: the byte counters that run while inflating, reading
 * an archive by byte ranges (as from S3), CSV typing from the record schemas, and the bound
 * on the stored size of bundle results.
 */
import { Readable } from 'node:stream';
import { type BundleLimits, directBundleLimits } from '../../functions/bundles/limits.js';
import { csvRecords, fieldTypesOf, typedCell } from '../../functions/bundles/queryFile.js';
import { InflationBudget, openArchive, readEntry, readEntryBytes, zipFromBuffer, zipFromRanges } from '../../functions/bundles/zipReader.js';
import { makeProblem, ProblemError } from '../../functions/domain/problems.js';
import { fitBundleOutcome, type StoredBundleOutcome } from '../../functions/store/uploadSessions.js';
import { zeros, zipOf } from '../support/bundles.js';

const MiB = 1024 * 1024;
const lenient: BundleLimits = { ...directBundleLimits, maxRatio: 100_000 };

async function drain(chunks: AsyncIterable<Buffer>): Promise<number> {
  let n = 0;
  for await (const chunk of chunks) n += chunk.length;
  return n;
}

async function problemOf(work: Promise<unknown>): Promise<ProblemError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProblemError);
  return error as ProblemError;
}

describe('limits enforced while inflating (independently of the declared sizes)', () => {
  let zip: Buffer;
  beforeAll(async () => {
    zip = await zipOf([{ name: 'zeros.csv', data: zeros(8 * MiB) }]);
  });

  it('stops an entry at a ratio above the limit once past the floor', async () => {
    const archive = await openArchive(zipFromBuffer(zip), lenient);
    const entry = archive.entries.get('zeros.csv')!;
    const problem = await problemOf(drain(readEntry(archive, entry, { ...lenient, maxRatio: 200 })));
    expect(problem.problem).toMatchObject({ code: 'invalid_bundle', detail: expect.stringMatching(/inflates at a ratio above 200:1/) });
    archive.close();
  });

  it('stops the archive at its total inflated limit, counted over entries', async () => {
    const archive = await openArchive(zipFromBuffer(zip), lenient);
    const budget = new InflationBudget({ ...lenient, maxTotalInflatedBytes: 3 * MiB });
    const entry = archive.entries.get('zeros.csv')!;
    const problem = await problemOf(drain(readEntry(archive, entry, lenient, { budget })));
    expect(problem.problem.detail).toMatch(/inflates to more than 3145728 bytes/);
    archive.close();
  });

  it("stops one file at its own limit with the caller's problem", async () => {
    const archive = await openArchive(zipFromBuffer(zip), lenient);
    const tooLarge = () => new ProblemError('payload_too_large', 'too large');
    const problem = await problemOf(readEntryBytes(archive, archive.entries.get('zeros.csv')!, lenient, { maxBytes: MiB, tooLarge }));
    expect(problem.code).toBe('payload_too_large');
    archive.close();
  });
});

describe('reading an archive by byte ranges', () => {
  it('reads entries through ranged reads, the way the processor reads S3 objects', async () => {
    const zip = await zipOf([{ name: 'a.json', data: Buffer.from('[1,2,3]') }, { name: 'b.csv', data: zeros(2 * MiB) }]);
    const ranges: [number, number][] = [];
    const open = zipFromRanges(zip.length, async (start, end) => {
      ranges.push([start, end]);
      return Readable.from([zip.subarray(start, end)]);
    });
    const archive = await openArchive(open, lenient);
    expect((await readEntryBytes(archive, archive.entries.get('a.json')!, lenient, {})).toString()).toBe('[1,2,3]');
    expect(await drain(readEntry(archive, archive.entries.get('b.csv')!, lenient))).toBe(2 * MiB);
    archive.close();
    expect(ranges.every(([start, end]) => start >= 0 && end <= zip.length && end > start)).toBe(true);
  });

  it('passes failures of the source on as they are (retryable), not as an invalid bundle', async () => {
    const zip = await zipOf([{ name: 'a.json', data: Buffer.from('[]') }]);
    let failing = false;
    const open = zipFromRanges(zip.length, async (start, end) => {
      if (failing) throw Object.assign(new Error('S3 is down'), { name: 'ServiceUnavailable' });
      return Readable.from([zip.subarray(start, end)]);
    });
    const archive = await openArchive(open, lenient);
    failing = true;
    const error = await readEntryBytes(archive, archive.entries.get('a.json')!, lenient, {}).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ProblemError);
    expect((error as Error).name).toBe('ServiceUnavailable');
    archive.close();
  });
});

describe('CSV typed by the record schema', () => {
  it('derives the field types from the zod schemas', () => {
    expect(Object.fromEntries([...fieldTypesOf('devices')].map(([k, v]) => [k, [...v].sort()]))).toEqual({
      deviceId: ['string'],
      deviceType: ['string'],
      containerId: ['string'],
      probeId: ['null', 'string'],
      arid: ['null', 'string'],
      hardwareId: ['null', 'string'],
      serialNumber: ['null', 'string'],
    });
    expect([...fieldTypesOf('call-quality').get('streams')!]).toEqual(['integer']);
    expect([...fieldTypesOf('device-license-states').get('licensed')!]).toEqual(['boolean']);
  });

  it('types cells: empty is null, strings stay strings, booleans and decimals where the schema says', () => {
    const str = new Set(['string', 'null'] as const);
    const num = new Set(['number'] as const);
    const bool = new Set(['boolean'] as const);
    expect(typedCell('', str)).toBeNull();
    expect(typedCell('12345', str)).toBe('12345');
    expect(typedCell('4.25', num)).toBe(4.25);
    expect(typedCell('-3', num)).toBe(-3);
    expect(typedCell('1e3', num)).toBe('1e3');
    expect(typedCell('0x10', num)).toBe('0x10');
    expect(typedCell('TRUE', bool)).toBe(true);
    expect(typedCell('false', bool)).toBe(false);
    expect(typedCell('yes', bool)).toBe('yes');
    expect(typedCell('7', undefined)).toBe('7');
  });

  const csv = (text: string) => csvRecords(Readable.from([Buffer.from(text)]), 'event-counts');

  it('reads RFC 4180: quotes, CRLF, a byte-order mark, blank lines', async () => {
    expect(await csv('\uFEFFdeviceId,events\r\n"dev,1",5\r\n\r\n"say ""hi""",0\r\n')).toEqual([
      { deviceId: 'dev,1', events: 5 },
      { deviceId: 'say "hi"', events: 0 },
    ]);
    expect(await csv('deviceId,events\n')).toEqual([]);
  });

  it('reports unreadable CSV as validation_failed at the record, without echoing data', async () => {
    const cases: [string, string, string][] = [
      ['deviceId,events\nsecret-1,1,2\n', 'records[0]', 'has a different number of fields than the header row'],
      ['deviceId,events\na,1\n"secret-2,3\n', 'records[1]', 'has a quoted field that is never closed'],
      ['deviceId,deviceId\na,1\n', 'records', 'the CSV header row names "deviceId" twice'],
      ['deviceId,\na,1\n', 'records', 'the CSV header row has an empty field name'],
      ['', 'records', 'the CSV file has no header row of field names'],
      ['deviceId,events\nsecret-3"x,1\n', 'records[0]', 'has a quote inside a field that does not start with one'],
      ['deviceId,events\na,1\n"secret-4"x,1\n', 'records[1]', 'has a quoted field followed by more than a comma or a line break'],
      [`deviceId,events\nsecret-5${'x'.repeat(70_000)},1\n`, 'records[0]', 'is longer than 65536 characters (its fields and the commas between them)'],
      ['"deviceId,events\nsecret-6,1\n', 'records', 'the CSV header row has a quoted field that is never closed'],
    ];
    for (const [text, path, message] of cases) {
      const problem = await problemOf(csv(text));
      expect(problem.problem).toMatchObject({ code: 'validation_failed', errors: [{ path, message }] });
      expect(JSON.stringify(problem.problem)).not.toContain('secret');
    }
  });
});

describe('stored bundle results', () => {
  it('shorten the problem lists (never the results) to fit a DynamoDB item', () => {
    const errors = Array.from({ length: 100 }, (_, i) => ({ path: `records[${i}].deviceId`, message: 'x'.repeat(60) }));
    const outcome: StoredBundleOutcome = {
      bundleId: 'b',
      installId: 'i',
      results: Array.from({ length: 64 }, () => ({ queryType: 'devices' as const, status: 'rejected', problem: makeProblem('validation_failed', 'bad', errors) })),
    };
    expect(Buffer.byteLength(JSON.stringify(outcome))).toBeGreaterThan(300_000);
    const fitted = fitBundleOutcome(outcome);
    expect(Buffer.byteLength(JSON.stringify(fitted))).toBeLessThanOrEqual(300_000);
    expect(fitted.results).toHaveLength(64);
    expect(fitted.results[0]!.problem!.errors).toHaveLength(25);
    expect(fitted.results[0]!.problem!.detail).toBe('bad (only the first 25 problems are listed)');
    const small = { ...outcome, results: outcome.results.slice(0, 2) };
    expect(fitBundleOutcome(small)).toBe(small);
  });
});

describe('a CSV file that is not UTF-8', () => {
  it('is refused as the file it is, not stored with U+FFFD in place of its bytes', async () => {
    // A Latin-1 export: "Zürich" with 0xFC. A JSON file or a direct upload with it is refused too.
    const latin1 = Buffer.concat([Buffer.from('item,count\r\nZ'), Buffer.from([0xfc]), Buffer.from('rich,3\r\n')]);
    const problem = await csvRecords(Readable.from([latin1]), 'licensing-counts').catch((error: unknown) => error);
    expect(problem).toBeInstanceOf(ProblemError);
    expect((problem as ProblemError).problem).toMatchObject({ code: 'validation_failed', errors: [{ path: 'records', message: expect.stringMatching(/not valid UTF-8/) }] });
    // The same in UTF-8 is read.
    expect(await csvRecords(Readable.from([Buffer.from('item,count\r\nZ\u00fcrich,3\r\n')]), 'licensing-counts')).toEqual([{ item: 'Z\u00fcrich', count: 3 }]);
  });
});
