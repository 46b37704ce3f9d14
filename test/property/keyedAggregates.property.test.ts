/**
 * Every map keyed by data (item names, device types, versions, schedule types, CSV headers)
 * treats names of the Object.prototype family as names like any other. An attack found
 * licensing-counts items named `constructor` summed into "function Object() { [native code] }1"
 * and a `__proto__` item gone from the customer roll-up, and a CSV column `__proto__` dropped
 * instead of refused as an unknown field. The family: every query type's summary, the
 * histograms, the customer roll-up, the fleet versions, CSV headers.
 */
import fc from 'fast-check';
import { rollUpCustomer, type InstallShare } from '../../functions/domain/customerLicenseState.js';
import { fleetVersions, versionHistogram } from '../../functions/domain/fleetIndexes.js';
import { querySpec, queryTypes } from '../../functions/domain/queries/index.js';
import { histogramOf } from '../../functions/domain/queries/histogram.js';
import { csvRecords } from '../../functions/bundles/queryFile.js';
import { isProblemError } from '../../functions/domain/problems.js';
import { validateUpload } from '../../functions/domain/validateUpload.js';
import { sampleRecords } from '../../functions/samples/sampleUploads.js';
import { propertyOptions } from './settings.js';

/** Names an object literal already answers to, and their neighbours. */
const PROTOTYPE_NAMES = [
  ...new Set([...Object.getOwnPropertyNames(Object.prototype), ...Object.getOwnPropertyNames(Function.prototype), ...Object.getOwnPropertyNames(Array.prototype), 'prototype', '__proto__']),
];
const protoName = fc.constantFrom(...PROTOTYPE_NAMES);
const nameLike = fc.oneof(protoName, protoName, fc.constantFrom('a', 'b', 'z', '(other)'));

/** What an aggregate must never hold: a function, or a value built from one. */
function assertPlainData(value: unknown, where: string): void {
  const text = JSON.stringify(value);
  expect(text).not.toMatch(/native code|\[object Object\]|NaN|function /);
  expect(JSON.parse(text)).toEqual(value);
  expect(typeof value === 'function').toBe(false);
  expect(where).toBeTruthy();
}

afterEach(() => {
  // Nothing leaked onto the shared prototypes.
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(
    ['__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__', '__proto__', 'constructor', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', 'toString', 'valueOf'].sort(),
  );
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

it('a histogram counts prototype-named keys as own keys', () => {
  fc.assert(
    fc.property(fc.array(nameLike, { maxLength: 60 }), (names) => {
      const histogram = histogramOf(names, (name) => name);
      const expected = new Map<string, number>();
      for (const name of names) expected.set(name, (expected.get(name) ?? 0) + 1);
      expect(new Map(Object.entries(histogram))).toEqual(expected);
      assertPlainData(histogram, 'histogram');
    }),
    propertyOptions(300),
  );
});

it('the customer roll-up sums licensing-count items of any name', () => {
  const itemsOf = fc.dictionary(nameLike, fc.nat({ max: 1000 }), { maxKeys: 12 }).map((items) => Object.fromEntries(Object.entries(items)));
  fc.assert(
    fc.property(fc.array(itemsOf, { minLength: 1, maxLength: 5 }), (installs) => {
      const shares: InstallShare[] = installs.map((items, i) => ({ installId: `i${i}`, queryType: 'licensing-counts', summary: { items } }));
      const state = rollUpCustomer('c', installs.length, shares, '2026-12-01');
      const expected = new Map<string, number>();
      for (const items of installs) for (const [item, count] of Object.entries(items)) expected.set(item, (expected.get(item) ?? 0) + count);
      expect(new Map(Object.entries(state.licensingCounts))).toEqual(expected);
      assertPlainData(state, 'roll-up');
    }),
    propertyOptions(300),
  );
});

it('the roll-up keeps the items constructor, __proto__ and toString (the attack)', () => {
  const items = JSON.parse('{"constructor":2,"__proto__":3,"toString":4,"seats":5}') as Record<string, number>;
  const state = rollUpCustomer('c', 2, [
    { installId: 'a', queryType: 'licensing-counts', summary: { items } },
    { installId: 'b', queryType: 'licensing-counts', summary: { items } },
  ], '2026-12-01');
  expect(JSON.parse(JSON.stringify(state.licensingCounts))).toEqual(JSON.parse('{"__proto__":6,"constructor":4,"seats":10,"toString":8}'));
});

it('fleet versions count device types and versions of any name', () => {
  fc.assert(
    fc.property(fc.array(fc.array(fc.tuple(nameLike, nameLike), { maxLength: 20 }), { minLength: 1, maxLength: 4 }), (fleet) => {
      const histograms = fleet.map((devices) =>
        versionHistogram(
          devices.map(([deviceType], i) => ({ deviceId: `d${i}`, deviceType }) as never),
          devices.map(([, softwareVersion], i) => ({ deviceId: `d${i}`, softwareVersion }) as never),
        ),
      );
      for (const histogram of histograms) assertPlainData(histogram, 'version histogram');
      const rows = fleetVersions(histograms);
      assertPlainData(rows, 'fleet versions');
      expect(rows.reduce((n, row) => n + row.devices, 0)).toBe(fleet.reduce((n, devices) => n + devices.length, 0));
    }),
    propertyOptions(200),
  );
});

describe.each(queryTypes)('the summary of %s', (queryType) => {
  it('holds plain data when its string fields are prototype names', () => {
    const spec = querySpec(queryType);
    const base = sampleRecords(queryType, { devices: 6 });
    fc.assert(
      fc.property(fc.array(protoName, { minLength: 1, maxLength: 8 }), fc.nat(), (names, seed) => {
        // Every string field of every record (ids, types, names, versions) renamed, some alike.
        let n = seed;
        const records = base.map((record) =>
          Object.fromEntries(Object.entries(record).map(([field, value]) => [field, typeof value === 'string' && !/On$|At$|Date|date/.test(field) ? names[n++ % names.length]! : value])),
        );
        const context = { collectedAt: new Date('2026-12-01T00:00:00Z'), collectedOn: '2026-12-01' };
        assertPlainData(spec.summarize(records as never, context), queryType);
        if (spec.expiries) assertPlainData(spec.expiries(records as never), queryType);
      }),
      propertyOptions(50),
    );
  });
});

describe('a CSV header', () => {
  async function* chunks(text: string) {
    yield Buffer.from(text);
  }
  it.each(PROTOTYPE_NAMES)('naming %s is a field of the record, refused as unknown as in JSON', async (name) => {
    const [record] = await csvRecords(chunks(`item,count,${name}\nseats,3,x\n`), 'licensing-counts');
    expect(Object.keys(record!)).toEqual(['item', 'count', name]);
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    const envelope = { schemaVersion: 1, collectedAt: '2026-12-01T00:00:00Z', mpaVersion: '3.4.1.12', records: [record] };
    let refused: unknown;
    try {
      validateUpload('licensing-counts', envelope, { now: new Date('2026-12-01T00:01:00Z') });
    } catch (error) {
      refused = error;
    }
    expect(isProblemError(refused) && refused.problem.code).toBe('validation_failed');
    expect(JSON.stringify((refused as { problem: unknown }).problem)).toContain(JSON.stringify(name).slice(1, -1));
  });
});
