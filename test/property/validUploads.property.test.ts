/**
 * Property: for every query type, any upload the contract calls valid (generated from the
 * field table in ./model.ts) is accepted by validateUpload, and its summary equals the
 * reference computed independently in the model. A sample also goes over HTTP, where the
 * stored summary must be the same.
 */
import fc from 'fast-check';
import { querySpec, queryTypes } from '../../functions/domain/queries/index.js';
import { validateUpload } from '../../functions/domain/validateUpload.js';
import { useApiWithInstall } from '../support/apiFixture.js';
import { call, createTestInstall, staffKey, upload } from '../support/localApi.js';
import { expiriesOf, models, referenceSummary, validUploadArb } from './model.js';
import { propertyOptions } from './settings.js';

const now = Date.now();

/** Floats summed in another order may differ in the last bits; everything else must be equal. */
function expectSummary(actual: unknown, expected: unknown): void {
  if (typeof expected === 'number' && typeof actual === 'number' && !Number.isInteger(expected)) {
    expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
    return;
  }
  if (expected !== null && typeof expected === 'object' && actual !== null && typeof actual === 'object') {
    expect(Object.keys(actual)).toEqual(Object.keys(expected));
    for (const key of Object.keys(expected)) expectSummary((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key]);
    return;
  }
  expect(actual).toEqual(expected);
}

describe('the model', () => {
  it.each(queryTypes)('%s: knows exactly the fields of the record schema, and whether the type is optional', (queryType) => {
    const record = querySpec(queryType).record() as unknown as { shape?: Record<string, unknown>; _zod?: { def?: { shape?: Record<string, unknown> } } };
    const shape = record.shape ?? record._zod?.def?.shape;
    expect(Object.keys(shape ?? {}).sort()).toEqual(Object.keys(models[queryType].fields).sort());
    expect(querySpec(queryType).optional).toBe(models[queryType].optional);
  });
});

describe('valid uploads', () => {
  it.each(queryTypes)('%s: accepted, with the reference summary', (queryType) => {
    fc.assert(
      fc.property(validUploadArb(queryType, now), (generated) => {
        // As it arrives: JSON text parsed.
        const validated = validateUpload(queryType, JSON.parse(JSON.stringify(generated.body)), { now: new Date(now) });
        expect(validated.recordCount).toBe(generated.body.records.length);
        expect(validated.collectedAt).toBe(new Date(generated.ctx.collectedAtMs).toISOString());
        expectSummary(validated.summary, referenceSummary(generated));
        if (queryType === 'device-license-states' || queryType === 'container-license-states') {
          expect(validated.expiries).toEqual(expiriesOf(generated.body.records));
        }
      }),
      propertyOptions(100),
    );
  });

  it('histograms fold beyond 500 distinct keys into (other), as the reference does', () => {
    fc.assert(
      fc.property(validUploadArb('device-versions', now, { min: 480, max: 650 }), (generated) => {
        const validated = validateUpload('device-versions', generated.body, { now: new Date(now) });
        expectSummary(validated.summary, referenceSummary(generated));
      }),
      propertyOptions(10),
    );
  });
});

describe('valid uploads over HTTP', () => {
  const fixture = useApiWithInstall();

  it('a sample of each type is stored with the reference summary as the install’s current one', async () => {
    const { api } = fixture;
    for (const queryType of queryTypes) {
      const install = await createTestInstall(api);
      const { min, max } = models[queryType].records;
      const samples = fc.sample(validUploadArb(queryType, Date.now(), { min: Math.max(1, min), max: Math.min(15, max) }), propertyOptions(3));
      for (const generated of samples) {
        const answer = await upload(api, install, queryType, generated.body, { gzip: generated.body.records.length % 2 === 0 });
        // Two samples may share a collectedAt by chance: then the second is a conflict.
        if (answer.status !== 201 && answer.status !== 409) throw new Error(`${queryType}: ${answer.status} ${answer.text}\nsent: ${JSON.stringify(generated.body)}`);
      }
      const accepted = samples.reduce((newest, s) => (s.ctx.collectedAtMs > newest.ctx.collectedAtMs ? s : newest));
      const shown = await call(api, 'GET', `/v1/installs/${install.installId}`, { key: staffKey() });
      expectSummary(shown.body.queries[queryType].summary, JSON.parse(JSON.stringify(referenceSummary(accepted))));
    }
  });
});
