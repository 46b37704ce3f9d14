/**
 * The versions report's order and its pages (functions/domain/fleetIndexes.ts versionRowKey):
 * the key sorts rows exactly as the report's order (device type, most devices first, version),
 * whatever the strings hold (NULs, prefixes of each other, lone surrogates), and a page resumes
 * after the row its cursor names, so rows added between two pages repeat or skip no other row.
 */
import fc from 'fast-check';
import { type FleetVersion, fleetVersions, versionRowKey } from '../../functions/domain/fleetIndexes.js';
import { pageOfSorted } from '../../functions/http/pagination.js';
import { propertyOptions } from './settings.js';

const text = fc.string({ unit: fc.constantFrom('a', 'b', '\u0000', '\u0001', ' ', '!', '\uffff', '\ud800'), minLength: 1, maxLength: 4 });
const histogram = fc.dictionary(text, fc.dictionary(text, fc.integer({ min: 1, max: 1_000_000 }), { maxKeys: 4 }), { maxKeys: 4 });

/** The report's order, compared field by field (UTF-16 code units, as the key's strings compare). */
function byFields(a: FleetVersion, b: FleetVersion): number {
  if (a.deviceType !== b.deviceType) return a.deviceType < b.deviceType ? -1 : 1;
  if (a.devices !== b.devices) return b.devices - a.devices;
  return a.softwareVersion < b.softwareVersion ? -1 : a.softwareVersion > b.softwareVersion ? 1 : 0;
}

it('orders rows by device type, most devices first, then version, whatever their characters; one row per (type, version)', () => {
  fc.assert(
    fc.property(fc.array(histogram, { maxLength: 4 }), (histograms) => {
      const rows = fleetVersions(histograms);
      expect(rows).toEqual([...rows].sort(byFields));
      const keys = rows.map(versionRowKey);
      expect(new Set(keys).size).toBe(keys.length);
      for (let i = 1; i < keys.length; i++) expect(keys[i - 1]! < keys[i]!).toBe(true);
      // Each (type, version) once, its devices summed over the installs.
      const expected = new Map<string, number>();
      for (const h of histograms) for (const [type, versions] of Object.entries(h)) for (const [version, n] of Object.entries(versions)) expected.set(JSON.stringify([type, version]), (expected.get(JSON.stringify([type, version])) ?? 0) + n);
      expect(new Map(rows.map((r) => [JSON.stringify([r.deviceType, r.softwareVersion]), r.devices]))).toEqual(expected);
    }),
    propertyOptions(300),
  );
});

it('resumes after the row the cursor names: rows added before it between two pages repeat or skip nothing', () => {
  fc.assert(
    fc.property(histogram, histogram, fc.integer({ min: 1, max: 5 }), (first, added, limit) => {
      const before = fleetVersions([first]);
      const page = pageOfSorted(before, { limit }, versionRowKey);
      if (page.nextCursor === null) return;
      // Another install reports meanwhile: new rows anywhere, and new counts for existing ones.
      const after = fleetVersions([first, added]);
      const next = pageOfSorted(after, { limit: 1_000, cursor: page.nextCursor }, versionRowKey);
      const seen = new Set(page.items.map((r) => JSON.stringify([r.deviceType, r.softwareVersion])));
      const last = versionRowKey(page.items.at(-1)!);
      // The next page is every row after the last one returned, in order: none repeated that did not move.
      expect(next.items).toEqual(after.filter((row) => versionRowKey(row) > last));
      for (const row of next.items) if (seen.has(JSON.stringify([row.deviceType, row.softwareVersion]))) expect(Object.hasOwn(added, row.deviceType)).toBe(true);
    }),
    propertyOptions(300),
  );
});
