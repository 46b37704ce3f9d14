/**
 * The answer a client gets never depends on how its body was read: a gzip upload whose records
 * are validated batch by batch as they are inflated and parsed (functions/domain/validateWhileRead.ts,
 * uploadJson.ts startReadingUploadJson) answers exactly what validateUpload gives for the whole
 * parsed text: the same summary, or the same problem with the same issues in the same order,
 * whether the fault is early, in the middle, at the last record, across inflate chunks, or in an
 * envelope of another shape (which the upload path then validates whole).
 */
import { createGunzip, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { ProblemError } from '../../functions/domain/problems.js';
import { type QueryType, queryTypes } from '../../functions/domain/queries/index.js';
import { MiB } from '../../functions/domain/uploadBody.js';
import { INFLATE_CHUNK, startReadingUploadJson } from '../../functions/domain/uploadJson.js';
import { validatesInBatches } from '../../functions/domain/validateRecordBatches.js';
import { MAX_RECORDS, validateUpload, validateUploadInTurns } from '../../functions/domain/validateUpload.js';
import { sampleRecords } from '../../functions/samples/sampleUploads.js';

const now = new Date();
const collectedAt = `${new Date(now.getTime() - 3_600_000).toISOString().slice(0, 19)}Z`;
const mpaVersion = '3.4.1.12';
const limits = { maxSentBytes: 64 * MiB, maxInflatedBytes: 256 * MiB };

type Rec = Record<string, unknown>;
type Answer = { ok: unknown } | { problem: unknown };

async function answerOf(validate: () => unknown): Promise<Answer> {
  try {
    return { ok: await validate() };
  } catch (error) {
    if (error instanceof ProblemError) return { problem: error.problem };
    throw error;
  }
}

/** The answer of the upload path for `text` sent gzip-compressed, and whether it validated the records as they were read. */
async function streamedAnswer(queryType: QueryType, text: string): Promise<{ answer: Answer; whileRead: boolean }> {
  const json = await startReadingUploadJson(gzipSync(text), 'gzip', limits, { queryType, now }).json;
  const { validatedWhileRead } = json;
  const answer = await answerOf(() => (validatedWhileRead ? validatedWhileRead() : validateUploadInTurns(queryType, json.parse(), { now, mayContainEmail: json.mayContainEmail })));
  return { answer, whileRead: validatedWhileRead !== undefined };
}

function wholeAnswer(queryType: QueryType, text: string): Promise<Answer> {
  return answerOf(() => validateUpload(queryType, JSON.parse(text), { now }));
}

/**
 * Both answers for `text`, checked equal (and, when given, whether the records were validated as
 * they were read); the answer is returned.
 */
async function sameAnswers(queryType: QueryType, text: string, whileRead?: boolean): Promise<Answer> {
  const whole = await wholeAnswer(queryType, text);
  const streamed = await streamedAnswer(queryType, text);
  expect(streamed.answer).toEqual(whole);
  if (whileRead !== undefined) expect(streamed.whileRead).toBe(whileRead);
  return whole;
}

function envelopeText(records: unknown[], overrides: Rec = {}): string {
  return JSON.stringify({ schemaVersion: 1, collectedAt, mpaVersion, records, ...overrides });
}

/** 20,000 devices: about 3.9 MB of JSON, four inflate chunks. */
const DEVICES = 20_000;
const devices = (n = DEVICES, seed = 'while-read'): Rec[] => sampleRecords('devices', { devices: n, collectedAt, seed });

function problemCode(answer: Answer): unknown {
  return 'problem' in answer ? (answer.problem as { code?: unknown }).code : undefined;
}

function issuesOf(answer: Answer): { path: string; message: string }[] {
  return 'problem' in answer ? ((answer.problem as { errors?: { path: string; message: string }[] }).errors ?? []) : [];
}

describe('validated while read: the same answer as validateUpload of the whole text', () => {
  it('spans several inflate chunks with 20,000 devices', () => {
    expect(Buffer.byteLength(envelopeText(devices()))).toBeGreaterThan(3 * INFLATE_CHUNK);
  });

  it.each(queryTypes.map((queryType) => [queryType]))('gives the same summary for valid %s', async (queryType) => {
    const records = sampleRecords(queryType, { devices: DEVICES, collectedAt, seed: 'every-type' });
    // The MPA-shaped envelope is taken while read exactly when the query type can be validated in batches.
    const answer = await sameAnswers(queryType, envelopeText(records), validatesInBatches(queryType));
    expect(answer).toMatchObject({ ok: { queryType, recordCount: records.length, collectedAtAsSent: collectedAt, mpaVersion } });
  });

  it('takes the devices of an MPA-shaped envelope while read', () => {
    expect(validatesInBatches('devices')).toBe(true);
    expect(validatesInBatches('device-license-states')).toBe(true);
  });

  describe('invalid records', () => {
    const cases: [string, number[]][] = [
      ['the first record', [0]],
      ['a record in the middle', [DEVICES / 2]],
      ['a record just past the first inflate chunk', [5400]],
      ['the very last record', [DEVICES - 1]],
      ['records early, in the middle and last', [1, 9_999, DEVICES - 1]],
    ];
    it.each(cases)('gives the same problem for %s', async (_, indexes) => {
      const records = devices();
      for (const [n, i] of indexes.entries()) {
        const record = records[i]!;
        if (n % 3 === 0) delete record.deviceType; // a field removed
        else if (n % 3 === 1) record.arid = 12345678; // a wrong type
        else record.extra = 'x'; // an extra key
      }
      const answer = await sameAnswers('devices', envelopeText(records), true);
      expect(problemCode(answer)).toBe('validation_failed');
      expect(issuesOf(answer).map((issue) => issue.path.match(/^records\[(\d+)\]/)?.[1])).toEqual(indexes.map(String));
    });

    it('gives the same problem for a rule of the record (no identifier at all) at the last record', async () => {
      const records = devices();
      Object.assign(records[DEVICES - 1]!, { arid: null, hardwareId: null, serialNumber: null });
      const answer = await sameAnswers('devices', envelopeText(records), true);
      expect(issuesOf(answer)).toEqual([{ path: `records[${DEVICES - 1}]`, message: expect.any(String) }]);
    });

    it('lists the first 100 of more than 100 problems, as the whole text does', async () => {
      const records = devices();
      for (let i = 3; i < DEVICES; i += 97) records[i]!.deviceId = i; // 207 wrong types
      // A full list of issues: the body is then validated whole (functions/domain/validateWhileRead.ts).
      const answer = await sameAnswers('devices', envelopeText(records), false);
      expect(problemCode(answer)).toBe('validation_failed');
      expect(issuesOf(answer)).toHaveLength(100);
      expect((answer as { problem: { detail: string } }).problem.detail).toContain('the first 100 problems');
    });

    it('gives pii_detected for an identifier that is not anonymized, even after 100 other problems', async () => {
      const records = devices();
      records[7000]!.containerId = 'Head office, 2nd floor';
      const alone = await sameAnswers('devices', envelopeText(records), true);
      expect(problemCode(alone)).toBe('pii_detected');
      expect(issuesOf(alone).map((issue) => issue.path)).toEqual(['records[7000].containerId']);
      records[7000]!.containerId = records[7001]!.containerId;
      for (let i = 0; i < 300; i++) delete records[i]!.deviceType;
      records[DEVICES - 1]!.containerId = 'Head office, 2nd floor';
      const last = await sameAnswers('devices', envelopeText(records), false);
      expect(problemCode(last)).toBe('pii_detected');
      expect(issuesOf(last)).toHaveLength(100);
    });

    it('gives the same problem for as many records as an upload may hold, and for one more (validated whole)', async () => {
      // Short valid event counts, all of one device: 28 MB of JSON. (Invalid records would cost
      // seconds each way: every one is parsed by zod, even past the 100th problem.)
      const record = '{"deviceId":"d","events":1}';
      const text = (n: number) => `{"schemaVersion":1,"collectedAt":"${collectedAt}","mpaVersion":"${mpaVersion}","records":[${`${record},`.repeat(n - 1)}${record}]}`;
      const most = await sameAnswers('event-counts', text(MAX_RECORDS), true);
      expect(issuesOf(most)).toHaveLength(100);
      expect(issuesOf(most)[0]).toEqual({ path: 'records[1].deviceId', message: 'repeats deviceId of records[0]' });
      const over = await sameAnswers('event-counts', text(MAX_RECORDS + 1), false);
      expect(issuesOf(over).map((issue) => issue.path)).toEqual(['records']);
    });

    it('gives the same problem for records that are not objects', async () => {
      const records: unknown[] = devices(3000);
      records[10] = null;
      records[1500] = 'device';
      records[2999] = [1, 2];
      await sameAnswers('devices', envelopeText(records), true);
    });
  });

  describe('uniqueness', () => {
    it('names a deviceId repeated far apart', async () => {
      const records = devices();
      records[DEVICES - 3]!.deviceId = records[7]!.deviceId;
      const answer = await sameAnswers('devices', envelopeText(records), true);
      expect(issuesOf(answer)).toEqual([{ path: `records[${DEVICES - 3}].deviceId`, message: 'repeats deviceId of records[7]' }]);
    });

    it('names repetitions in records not sorted by their key', async () => {
      const records = devices().reverse();
      records[DEVICES - 1]!.deviceId = records[2]!.deviceId;
      records[12_000]!.deviceId = records[11_000]!.deviceId;
      const answer = await sameAnswers('devices', envelopeText(records), true);
      expect(issuesOf(answer)).toHaveLength(2);
    });

    it('lets an invalid record decide over a repetition before it', async () => {
      const records = devices();
      records[100]!.deviceId = records[50]!.deviceId;
      delete records[DEVICES - 1]!.containerId;
      const answer = await sameAnswers('devices', envelopeText(records), true);
      expect(issuesOf(answer).map((issue) => issue.path)).toEqual([`records[${DEVICES - 1}].containerId`]);
    });

    it('names more than 100 repetitions as the whole text does', async () => {
      const records = devices();
      for (let i = 1000; i < 1300; i++) records[i]!.deviceId = records[i - 1000]!.deviceId;
      const answer = await sameAnswers('devices', envelopeText(records), true);
      expect(issuesOf(answer)).toHaveLength(100);
    });

    it('names a repeated deviceId in license states', async () => {
      const records = sampleRecords('device-license-states', { devices: DEVICES, collectedAt, seed: 'while-read' });
      records[DEVICES - 1]!.deviceId = records[0]!.deviceId;
      expect(problemCode(await sameAnswers('device-license-states', envelopeText(records), true))).toBe('validation_failed');
    });
  });

  describe('e-mail addresses', () => {
    it('finds one in a record in the middle', async () => {
      const records = devices();
      records[12_345]!.hardwareId = 'jane.doe@example.com';
      const answer = await sameAnswers('devices', envelopeText(records), true);
      expect(problemCode(answer)).toBe('pii_detected');
      expect(issuesOf(answer)).toEqual([{ path: 'records[12345].hardwareId', message: 'contains an e-mail address' }]);
    });

    it('finds one in the last record, after invalid records, and names the e-mail only', async () => {
      const records = devices();
      delete records[3]!.deviceType;
      records[DEVICES - 1]!.serialNumber = 'ops@example.org';
      const answer = await sameAnswers('devices', envelopeText(records), true);
      expect(issuesOf(answer)).toEqual([{ path: `records[${DEVICES - 1}].serialNumber`, message: 'contains an e-mail address' }]);
    });

    it('finds one escaped as \\u0040 in the JSON text', async () => {
      const records = devices();
      records[15_000]!.hardwareId = 'jane.doe@example.com';
      const text = envelopeText(records).replace('@', '\\u0040');
      expect(text).not.toContain('@');
      expect(text).toContain('jane.doe\\u0040example.com');
      const answer = await sameAnswers('devices', text, true);
      expect(issuesOf(answer)).toEqual([{ path: 'records[15000].hardwareId', message: 'contains an e-mail address' }]);
    });

    it('finds one in a key, and in mpaVersion', async () => {
      const records = devices();
      records[9000]!['jane@example.com'] = 1;
      expect(problemCode(await sameAnswers('devices', envelopeText(records), true))).toBe('pii_detected');
      expect(problemCode(await sameAnswers('devices', envelopeText(devices()), true))).toBeUndefined();
      const inHead = await sameAnswers('devices', envelopeText(devices(), { mpaVersion: 'ops@example.com' }), true);
      expect(issuesOf(inHead)).toEqual([{ path: 'mpaVersion', message: 'contains an e-mail address' }]);
    });

    it('lists the first 100 of more than 100 addresses', async () => {
      const records = devices();
      for (let i = 0; i < DEVICES; i += 150) records[i]!.hardwareId = `user${i}@example.com`;
      const answer = await sameAnswers('devices', envelopeText(records), true);
      expect(issuesOf(answer)).toHaveLength(100);
    });

    /**
     * The text with an e-mail address written into the hardwareId of the record that the first
     * inflate chunk ends in, so that `at` (the address's `@` as written) starts `offset` bytes
     * before the chunk's end: the address (and the escape) straddles two chunks.
     */
    function straddling(at: string, offset: number): string {
      const records = devices();
      const marker = 'STRADDLE';
      // The record whose hardwareId lies a little before the first chunk's end.
      const base = envelopeText(records);
      const index = records.findIndex((_, i) => base.indexOf(`"deviceId":"dev-${String(i).padStart(7, '0')}"`) > INFLATE_CHUNK - 400);
      records[index]!.hardwareId = marker;
      const text = envelopeText(records);
      const value = text.indexOf(marker);
      expect(value).toBeLessThan(INFLATE_CHUNK - 50);
      const local = `${'x'.repeat(INFLATE_CHUNK - offset - value - 'jane'.length)}jane`;
      const result = text.replace(marker, `${local}${at}example.com`);
      expect(result.indexOf(at)).toBe(INFLATE_CHUNK - offset);
      return result;
    }

    /** The first chunk the upload path's inflater gives for `text` (it cuts at INFLATE_CHUNK). */
    async function firstInflatedChunk(text: string): Promise<Buffer> {
      const inflater = createGunzip({ chunkSize: INFLATE_CHUNK });
      inflater.end(gzipSync(text));
      for await (const chunk of inflater as AsyncIterable<Buffer>) {
        inflater.destroy();
        return chunk;
      }
      throw new Error('nothing inflated');
    }

    it.each([1, 3, 5])('finds one escaped as \\u0040 straddling an inflate chunk boundary (%i bytes before it)', async (offset) => {
      const text = straddling('\\u0040', offset);
      expect(text).not.toContain('@');
      // No chunk holds the whole escape: only the seam between the two shows the `@`.
      const first = await firstInflatedChunk(text);
      expect(first.length).toBe(INFLATE_CHUNK);
      expect(first.includes('\\u0040')).toBe(false);
      expect(first.subarray(-offset).toString()).toBe('\\u0040'.slice(0, offset));
      const answer = await sameAnswers('devices', text, true);
      expect(problemCode(answer)).toBe('pii_detected');
    });

    it('finds one straddling an inflate chunk boundary', async () => {
      const answer = await sameAnswers('devices', straddling('@', 1), true);
      expect(problemCode(answer)).toBe('pii_detected');
    });
  });

  describe('envelopes of another shape: validated whole, with the same answer', () => {
    const records = devices(5000);
    const valid = envelopeText(records);
    const other = `${new Date(now.getTime() - 7_200_000).toISOString().slice(0, 19)}Z`;

    it('takes the MPA-shaped envelope while read', async () => {
      expect(await sameAnswers('devices', valid, true)).toMatchObject({ ok: { recordCount: 5000 } });
    });

    it('validates whole: keys in another order', async () => {
      const reordered = JSON.stringify({ collectedAt, schemaVersion: 1, mpaVersion, records });
      expect(await sameAnswers('devices', reordered, false)).toMatchObject({ ok: { recordCount: 5000 } });
      const recordsFirst = JSON.stringify({ records, schemaVersion: 1, collectedAt, mpaVersion });
      expect(await sameAnswers('devices', recordsFirst, false)).toMatchObject({ ok: { recordCount: 5000 } });
    });

    it('validates whole: a key after the records', async () => {
      const answer = await sameAnswers('devices', envelopeText(records, { extra: 1 }), false);
      expect(problemCode(answer)).toBe('validation_failed');
    });

    it('validates whole: collectedAt or mpaVersion repeated after the records with another value', async () => {
      const collectedAgain = `${valid.slice(0, -1)},"collectedAt":"${other}"}`;
      expect(await sameAnswers('devices', collectedAgain, false)).toMatchObject({ ok: { collectedAtAsSent: other } });
      const mpaAgain = `${valid.slice(0, -1)},"mpaVersion":"9.9"}`;
      expect(await sameAnswers('devices', mpaAgain, false)).toMatchObject({ ok: { mpaVersion: '9.9' } });
      // The same value again changes nothing (JSON.parse keeps the key where it first was).
      await sameAnswers('devices', `${valid.slice(0, -1)},"collectedAt":"${collectedAt}"}`);
    });

    it('validates whole: schemaVersion repeated after the records with another value', async () => {
      const answer = await sameAnswers('devices', `${valid.slice(0, -1)},"schemaVersion":2}`, false);
      expect(problemCode(answer)).toBe('validation_failed');
    });

    it('validates whole: records repeated', async () => {
      const twice = `${valid.slice(0, -1)},"records":${JSON.stringify(records.slice(0, 3))}}`;
      expect(await sameAnswers('devices', twice, false)).toMatchObject({ ok: { recordCount: 3 } });
    });

    it('validates whole: schemaVersion 2', async () => {
      expect(problemCode(await sameAnswers('devices', envelopeText(records, { schemaVersion: 2 }), false))).toBe('validation_failed');
    });

    it('validates whole: mpaVersion or collectedAt not a string', async () => {
      expect(problemCode(await sameAnswers('devices', envelopeText(records, { mpaVersion: 3.4 }), false))).toBe('validation_failed');
      expect(problemCode(await sameAnswers('devices', envelopeText(records, { mpaVersion: null }), false))).toBe('validation_failed');
      expect(problemCode(await sameAnswers('devices', envelopeText(records, { collectedAt: Date.now() }), false))).toBe('validation_failed');
    });

    it('validates whole: records not an array, or no envelope at all', async () => {
      expect(problemCode(await sameAnswers('devices', envelopeText(records, { records: { 0: records[0] } }), false))).toBe('validation_failed');
      expect(problemCode(await sameAnswers('devices', JSON.stringify(records), false))).toBe('validation_failed');
      expect(problemCode(await sameAnswers('devices', 'null', false))).toBe('validation_failed');
    });

    // collectedAt is checked as a value once the records are in: the envelope's shape is MPA's, so
    // these are validated while read, and the problem is the whole text's.
    it('gives the same problem for a collectedAt too old, in the future or no date', async () => {
      const old = `${new Date(now.getTime() - 401 * 86_400_000).toISOString().slice(0, 19)}Z`;
      const future = `${new Date(now.getTime() + 3_600_000).toISOString().slice(0, 19)}Z`;
      for (const value of [old, future, 'yesterday', '2026-02-30T00:00:00Z']) {
        const answer = await sameAnswers('devices', envelopeText(records, { collectedAt: value }), true);
        expect(problemCode(answer)).toBe('validation_failed');
        expect(issuesOf(answer).map((issue) => issue.path)).toEqual(['collectedAt']);
      }
    });

    it('gives the same problem for an mpaVersion too long, and a bad head with bad records', async () => {
      const long = await sameAnswers('devices', envelopeText(records, { mpaVersion: 'v'.repeat(65) }), true);
      expect(issuesOf(long).map((issue) => issue.path)).toEqual(['mpaVersion']);
      const bad = records.map((record, i) => (i === 10 ? { ...record, deviceType: 1 } : record));
      const both = await sameAnswers('devices', envelopeText(bad, { collectedAt: 'yesterday' }), true);
      expect(issuesOf(both).map((issue) => issue.path)).toEqual(['collectedAt']);
    });

    // The envelope's keys and their order are MPA's: whitespace between the tokens does not matter to the streamed parse.
    it('gives the same answer for a pretty-printed body (whitespace and newlines between records)', async () => {
      const pretty = JSON.stringify(JSON.parse(valid), null, 2);
      expect(await sameAnswers('devices', pretty, true)).toMatchObject({ ok: { recordCount: 5000 } });
      const tabs = JSON.stringify(JSON.parse(envelopeText(devices())), null, '\t');
      expect(await sameAnswers('devices', tabs, true)).toMatchObject({ ok: { recordCount: DEVICES } });
      const bad = devices();
      delete bad[DEVICES - 1]!.deviceId;
      bad[9]!.deviceId = bad[8]!.deviceId;
      expect(problemCode(await sameAnswers('devices', JSON.stringify(JSON.parse(envelopeText(bad)), null, 2), true))).toBe('validation_failed');
      const spaced = envelopeText(devices()).replaceAll('},{', '}\n ,\r\n\t{');
      expect(await sameAnswers('devices', spaced, true)).toMatchObject({ ok: { recordCount: DEVICES } });
    });

    it('gives the same answer for no records at all', async () => {
      expect(await sameAnswers('devices', envelopeText([]), true)).toMatchObject({ ok: { recordCount: 0 } });
    });
  });
});

describe('mutated devices bodies (property)', () => {
  /** A mutation of one record: what validateUpload must name, or find, wherever it is. */
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('remove' as const), field: fc.constantFrom('deviceId', 'deviceType', 'containerId', 'probeId', 'arid', 'hardwareId', 'serialNumber') }),
    fc.record({ kind: fc.constant('wrongType' as const), field: fc.constantFrom('deviceId', 'deviceType', 'containerId', 'arid', 'hardwareId'), value: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({})) }),
    fc.record({ kind: fc.constant('extraKey' as const), key: fc.constantFrom('extra', 'records', '__proto__', 'a b', 'deviceid') }),
    fc.record({ kind: fc.constant('email' as const), field: fc.constantFrom('hardwareId', 'serialNumber', 'deviceType'), escaped: fc.boolean() }),
    fc.record({ kind: fc.constant('noIdentifier' as const) }),
    fc.record({ kind: fc.constant('duplicate' as const), of: fc.nat() }),
  );
  type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

  /** The JSON text of `records` with the mutations applied at the given indexes (an escaped e-mail written as \u0040). */
  function mutatedText(records: Rec[], mutations: [number, Mutation][], space: number | undefined): string {
    const copy = records.map((record) => ({ ...record }));
    let escapeAt = false;
    for (const [at, m] of mutations) {
      const i = at % copy.length;
      const record = copy[i]!;
      if (m.kind === 'remove') delete record[m.field];
      else if (m.kind === 'wrongType') record[m.field] = m.value;
      else if (m.kind === 'extraKey') Object.defineProperty(record, m.key, { value: 'x', enumerable: true, configurable: true, writable: true });
      else if (m.kind === 'email') {
        record[m.field] = `someone.${i}@example.com`;
        escapeAt ||= m.escaped;
      } else if (m.kind === 'noIdentifier') Object.assign(record, { arid: null, hardwareId: null, serialNumber: null });
      else record.deviceId = copy[m.of % copy.length]!.deviceId;
    }
    const text = JSON.stringify({ schemaVersion: 1, collectedAt, mpaVersion, records: copy }, null, space);
    return escapeAt ? text.replaceAll('@', '\\u0040') : text;
  }

  const cases = (count: number) =>
    fc.tuple(fc.array(fc.tuple(fc.nat(), mutation), { maxLength: 4 }), fc.constantFrom(undefined, undefined, 1)).map(([mutations, space]) => ({ mutations, space, count }));

  it.each([
    ['a small body (one inflate chunk)', 40, 200],
    ['a body of several inflate chunks', 12_000, 12],
  ])('answers as validateUpload of the whole text, for %s', async (_body, count, numRuns) => {
    const records = devices(count, 'property');
    await fc.assert(
      fc.asyncProperty(cases(count), async ({ mutations, space }) => {
        const text = mutatedText(records, mutations, space);
        const streamed = await streamedAnswer('devices', text);
        expect(streamed.answer).toEqual(await wholeAnswer('devices', text));
        expect(streamed.whileRead).toBe(true);
      }),
      { numRuns },
    );
  });
});
