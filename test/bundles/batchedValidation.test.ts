/**
 * A bundle file validated as it is read (domain/validateRecordBatches.ts, bundles/bundle.ts
 * uploadOf): whatever the batches, the answer is validateUpload's for the whole envelope (the
 * same summary, or the same problem, even where a whole-file rule breaks at the last record),
 * and the archived bytes are those of the equivalent direct upload.
 */
import { Writable } from 'node:stream';
import { Bundle } from '../../functions/bundles/bundle.js';
import { exportFileName, serializeRecords } from '../../functions/bundles/exports.js';
import { directBundleLimits } from '../../functions/bundles/limits.js';
import { csvRecords, envelopeBytes, recordJson } from '../../functions/bundles/queryFile.js';
import { writeBundle } from '../../functions/bundles/writeBundle.js';
import { zipFromBuffer } from '../../functions/bundles/zipReader.js';
import { ProblemError } from '../../functions/domain/problems.js';
import { type QueryType, queryTypes } from '../../functions/domain/queries/index.js';
import { plainUploadJson } from '../../functions/domain/uploadJson.js';
import { type EnvelopeHead, validatesInBatches, validationInBatches } from '../../functions/domain/validateRecordBatches.js';
import { validateUpload } from '../../functions/domain/validateUpload.js';
import { sampleRecords } from '../../functions/samples/sampleUploads.js';

const now = new Date();
const collectedAt = `${new Date(now.getTime() - 3_600_000).toISOString().slice(0, 19)}Z`;
const head: EnvelopeHead = { collectedAt, mpaVersion: '3.4.1.12' };

type Answer = { ok: unknown } | { problem: unknown };

function wholeAnswer(queryType: QueryType, records: unknown[], envelopeHead = head): Answer {
  try {
    return { ok: validateUpload(queryType, { schemaVersion: 1, ...envelopeHead, records }, { now }) };
  } catch (error) {
    if (error instanceof ProblemError) return { problem: error.problem };
    throw error;
  }
}

async function batchedAnswer(queryType: QueryType, records: unknown[], batch: number, envelopeHead = head): Promise<Answer> {
  const validation = validationInBatches(queryType, envelopeHead, now);
  for (let start = 0; start < records.length; start += batch) {
    const part = records.slice(start, start + batch);
    validation.add(part, part.map(recordJson));
  }
  try {
    return { ok: await validation.finish() };
  } catch (error) {
    if (error instanceof ProblemError) return { problem: error.problem };
    throw error;
  }
}

/** Both answers, checked equal for several batch sizes; the whole-envelope answer is returned. */
async function sameAnswers(queryType: QueryType, records: Record<string, unknown>[], envelopeHead = head): Promise<Answer> {
  const whole = wholeAnswer(queryType, records, envelopeHead);
  for (const batch of [1, 7, 700, records.length + 1]) expect(await batchedAnswer(queryType, records, batch, envelopeHead)).toEqual(whole);
  return whole;
}

const devices = (n: number) => sampleRecords('devices', { devices: n, collectedAt, seed: 'batched' });

describe('validated in batches, answered as validateUpload answers the whole envelope', () => {
  it('streams the types whose summary is a fold, and keeps the records of whole-file rules', () => {
    expect(validatesInBatches('devices')).toBe(true);
    expect(validatesInBatches('device-license-states')).toBe(true);
    expect(validatesInBatches('containers')).toBe(false); // the forest needs every record
    expect(validatesInBatches('user-counts')).toBe(false); // exactly one record
  });

  it.each(queryTypes.map((queryType) => [queryType]))('gives the same summary for valid %s', async (queryType) => {
    const records = sampleRecords(queryType, { devices: 600, collectedAt, seed: 'every-type' });
    expect(await sameAnswers(queryType, records)).toMatchObject({ ok: { recordCount: records.length } });
  });

  it('gives the same summary for valid devices', async () => {
    const answer = await sameAnswers('devices', devices(2500));
    expect(answer).toMatchObject({ ok: { recordCount: 2500 } });
  });

  it('gives the same summary and expiries for license states', async () => {
    const answer = await sameAnswers('device-license-states', sampleRecords('device-license-states', { devices: 1500, collectedAt, seed: 'batched' }));
    expect(answer).toMatchObject({ ok: { recordCount: 1500, expiries: expect.any(Object) } });
  });

  it('refuses a duplicate key at the last record exactly as before (sorted keys until then)', async () => {
    const records = devices(2500);
    records.push({ ...records[3]!, hardwareId: 'other' });
    const answer = await sameAnswers('devices', records);
    expect(answer).toEqual({ problem: expect.objectContaining({ code: 'validation_failed', errors: [{ path: 'records[2500].deviceId', message: 'repeats deviceId of records[3]' }] }) });
  });

  it('refuses a repeated pair of key fields at the last record as before', async () => {
    const records = sampleRecords('completed-schedules', { devices: 600, collectedAt, seed: 'pairs' });
    records.push({ ...records[0]! });
    expect(await sameAnswers('completed-schedules', records)).toMatchObject({ problem: { errors: [{ path: `records[${records.length - 1}].deviceType` }] } });
  });

  it('names every repetition of unsorted keys with its first occurrence', async () => {
    const records = devices(1200).reverse();
    records.push({ ...records[0]! }, { ...records[1199]! }, { ...records[0]! });
    expect(await sameAnswers('devices', records)).toMatchObject({ problem: { errors: [{ path: 'records[1200].deviceId' }, { path: 'records[1201].deviceId' }, { path: 'records[1202].deviceId' }] } });
  });

  it('says only what is wrong with records when keys repeat too', async () => {
    const records = devices(1000);
    records[500] = { ...records[500]!, arid: null, hardwareId: null, serialNumber: null };
    records.push({ ...records[10]! });
    expect(await sameAnswers('devices', records)).toMatchObject({ problem: { errors: [{ path: 'records[500]' }] } });
  });

  it('lists the first 100 problems of many bad records', async () => {
    const records = devices(1000).map((d, i) => (i % 3 === 0 ? { ...d, deviceType: 42 } : d));
    expect(await sameAnswers('devices', records)).toMatchObject({ problem: { detail: expect.stringContaining('first 100 problems') } });
  });

  it('puts an e-mail address in the last record before every other problem', async () => {
    const records = devices(1000);
    records[20] = { ...records[20]!, deviceType: 42 };
    records[999] = { ...records[999]!, serialNumber: 'someone@example.com' };
    expect(await sameAnswers('devices', records)).toMatchObject({ problem: { code: 'pii_detected', errors: [{ path: 'records[999].serialNumber' }] } });
  });

  it('refuses a collectedAt too old, and an envelope field too long, as before', async () => {
    const old = new Date(now.getTime() - 500 * 86_400_000).toISOString();
    expect(await sameAnswers('devices', devices(50), { collectedAt: old, mpaVersion: '1' })).toMatchObject({ problem: { errors: [{ path: 'collectedAt' }] } });
    expect(await sameAnswers('devices', devices(50), { collectedAt, mpaVersion: 'x'.repeat(65) })).toMatchObject({ problem: { errors: [{ path: 'mpaVersion' }] } });
  });

  it('refuses containers that break the forest at the last record exactly as before', async () => {
    const records = sampleRecords('containers', { devices: 500, collectedAt, seed: 'batched' });
    records.push({ containerId: 'last-container', parentId: 'no-such-container' });
    expect(await sameAnswers('containers', records)).toMatchObject({ problem: { errors: [{ path: `records[${records.length - 1}].parentId` }] } });
  });

  it('refuses user counts of two records as before', async () => {
    const one = sampleRecords('user-counts', { collectedAt, seed: 'batched' })[0]!;
    expect(await sameAnswers('user-counts', [one, one])).toMatchObject({ problem: { errors: [{ path: 'records' }] } });
  });
});

async function bundleOf(queryType: QueryType, records: Record<string, unknown>[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      chunks.push(chunk);
      done();
    },
  });
  const content = serializeRecords(queryType, records, 'csv');
  await writeBundle({ installId: 'inst-batched', mpaVersion: head.mpaVersion, collectedAt }, [{ queryType, path: exportFileName(queryType, 'csv'), content }], sink);
  return Buffer.concat(chunks);
}

describe('a CSV bundle file read as an upload', () => {
  it.each([['devices' as const], ['containers' as const]])('archives %s as the equivalent direct upload, and validates as it would', async (queryType) => {
    const records = sampleRecords(queryType, { devices: 6000, collectedAt, seed: 'archive' });
    const bundle = await Bundle.open(zipFromBuffer(await bundleOf(queryType, records)), directBundleLimits);
    try {
      await bundle.verify();
      const file = bundle.files[0]!;
      const { body, validate } = await bundle.uploadOf(file, now);
      // The direct upload of the same records: the JSON envelope, archived whole.
      async function* one(): AsyncGenerator<Buffer> {
        yield serializeRecords(queryType, records, 'csv');
      }
      const typed = await csvRecords(one(), queryType);
      const direct = plainUploadJson(envelopeBytes(head, typed));
      const [built, plain] = await Promise.all([body.archive(), direct.archive()]);
      expect(built.sha256).toBe(plain.sha256);
      expect(built.gzip.equals(plain.gzip)).toBe(true);
      expect(await body.sha256()).toBe(await direct.sha256());
      expect(body.byteLength).toBe(direct.byteLength);
      expect(await validate!()).toEqual(validateUpload(queryType, { schemaVersion: 1, ...head, records: typed }, { now }));
      expect(() => body.parse()).toThrow(/not kept/);
    } finally {
      bundle.close();
    }
  });
});
