/**
 * The compliance rules of DESIGN.md §8 (domain/compliance.ts) on hand-made histories: every
 * status and transition, pooled against install-scoped scopes, asOf in the past, the true-up
 * peak, overSince, and item names that are Object.prototype's own.
 */
import fc from 'fast-check';
import { complianceRows, daysBetween, overDeployment, statusOf, termCovers, type UsageSnapshot } from '../../functions/domain/compliance.js';
import type { Entitlement } from '../../functions/domain/licensing.js';
import { propertyOptions } from '../property/settings.js';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';

function entitlement(overrides: Partial<Entitlement> = {}): Entitlement {
  return {
    customerId: 'cust',
    entitlementId: 'e1',
    item: 'IPT users',
    quantity: 10,
    termStart: '2026-01-01',
    termEnd: '2026-12-31',
    graceDays: 30,
    installId: null,
    contractRef: null,
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A snapshot of one install on a day at 02:00Z. */
function snap(installId: string, day: string, counts: Record<string, number>): UsageSnapshot {
  return { installId, collectedAt: `${day}T02:00:00.000Z`, counts: new Map(Object.entries(counts)) };
}

const rowsOf = (entitlements: Entitlement[], usage: UsageSnapshot[], asOf: string, excluded?: Set<string>) =>
  complianceRows({ entitlements, usage, asOf, ...(excluded ? { excludedInstalls: excluded } : {}) });

describe('helpers', () => {
  it('a term covers its first and last day; a null termEnd is perpetual', () => {
    expect(termCovers({ termStart: '2026-01-01', termEnd: '2026-01-31' }, '2026-01-01')).toBe(true);
    expect(termCovers({ termStart: '2026-01-01', termEnd: '2026-01-31' }, '2026-01-31')).toBe(true);
    expect(termCovers({ termStart: '2026-01-01', termEnd: '2026-01-31' }, '2026-02-01')).toBe(false);
    expect(termCovers({ termStart: '2026-01-01', termEnd: '2026-01-31' }, '2025-12-31')).toBe(false);
    expect(termCovers({ termStart: '2026-01-01', termEnd: null }, '2099-01-01')).toBe(true);
    expect(daysBetween('2026-01-01', '2026-03-01')).toBe(59);
  });

  it.each([
    [10, 0, null, 30, 'ok'],
    [10, 8, null, 30, 'ok'],
    [10, 9, null, 30, 'near'],
    [10, 10, null, 30, 'near'],
    [0, 0, null, null, 'ok'],
    [0, 3, '2026-05-01T00:00:00Z', null, 'unentitled'],
    [10, 11, '2026-05-01T00:00:00Z', 30, 'over'],
    [10, 11, '2026-04-01T00:00:00Z', 30, 'over'], // 30 days exactly: not longer than the grace
    [10, 11, '2026-03-31T23:00:00Z', 30, 'over_past_grace'],
    [10, 11, '2026-05-01T00:00:00Z', 0, 'over'], // grace 0: over on the day it starts
    [10, 11, '2026-04-30T00:00:00Z', 0, 'over_past_grace'],
  ] as const)('entitled %i, used %i, over since %s, grace %s: %s (asOf 2026-05-01)', (entitled, used, overSince, grace, status) => {
    expect(statusOf(entitled, used, overSince, grace, '2026-05-01')).toBe(status);
  });
});

describe('complianceRows', () => {
  it('goes ok → near → over → over_past_grace as usage grows and time passes', () => {
    const usage = [snap(A, '2026-03-01', { 'IPT users': 5 }), snap(A, '2026-03-10', { 'IPT users': 9 }), snap(A, '2026-03-20', { 'IPT users': 11 })];
    const at = (asOf: string) => rowsOf([entitlement()], usage, asOf)[0]!;
    expect(at('2026-03-05')).toMatchObject({ entitled: 10, used: 5, status: 'ok', overSince: null });
    expect(at('2026-03-15')).toMatchObject({ used: 9, status: 'near', overSince: null });
    expect(at('2026-03-20')).toMatchObject({ used: 11, status: 'over', overSince: '2026-03-20T02:00:00.000Z', overage: 1 });
    expect(at('2026-04-19')).toMatchObject({ status: 'over' }); // 30 days
    expect(at('2026-04-20')).toMatchObject({ status: 'over_past_grace', overSince: '2026-03-20T02:00:00.000Z' });
  });

  it('is unentitled with usage and no entitlement in force; peak = used then', () => {
    const rows = rowsOf([], [snap(A, '2026-03-01', { 'IPT users': 4 }), snap(A, '2026-03-02', { 'IPT users': 2 })], '2026-03-05');
    expect(rows).toEqual([{ item: 'IPT users', installId: null, entitled: 0, used: 2, peak: 2, overage: 2, status: 'unentitled', overSince: '2026-03-01T02:00:00.000Z' }]);
  });

  it('keeps the peak after usage falls (true-up): 10, 12, 9, 13 on 10 entitled gives overage 3', () => {
    const usage = [10, 12, 9, 13].map((count, i) => snap(A, `2026-02-0${i + 1}`, { 'IPT users': count }));
    expect(rowsOf([entitlement()], usage, '2026-02-03')[0]).toMatchObject({ used: 9, peak: 12, overage: 2, status: 'near', overSince: null });
    expect(rowsOf([entitlement()], usage, '2026-02-04')[0]).toMatchObject({ used: 13, peak: 13, overage: 3, status: 'over', overSince: '2026-02-04T02:00:00.000Z' });
  });

  it('answers the worked true-up example of docs/licensing.md', () => {
    const bought = entitlement({ termStart: '2026-01-01', termEnd: null, graceDays: 30 });
    const usage = [snap(A, '2026-03-01', { 'IPT users': 10 }), snap(A, '2026-03-08', { 'IPT users': 12 }), snap(A, '2026-03-15', { 'IPT users': 9 }), snap(A, '2026-03-22', { 'IPT users': 13 })];
    const at = (asOf: string, entitlements = [bought]) => {
      const { used, peak, overage, status, overSince } = rowsOf(entitlements, usage, asOf)[0]!;
      return [used, peak, overage, status, overSince?.slice(0, 10) ?? null];
    };
    expect(at('2026-03-01')).toEqual([10, 10, 0, 'near', null]);
    expect(at('2026-03-08')).toEqual([12, 12, 2, 'over', '2026-03-08']);
    expect(at('2026-03-15')).toEqual([9, 12, 2, 'near', null]);
    expect(at('2026-03-22')).toEqual([13, 13, 3, 'over', '2026-03-22']);
    expect(at('2026-04-21')).toEqual([13, 13, 3, 'over', '2026-03-22']);
    expect(at('2026-04-22')).toEqual([13, 13, 3, 'over_past_grace', '2026-03-22']);
    const more = entitlement({ entitlementId: 'e2', quantity: 5, termStart: '2026-04-23', termEnd: null });
    expect(at('2026-04-23', [bought, more])).toEqual([13, 13, 0, 'ok', null]);
  });

  it('counts the peak only from the earliest termStart of the entitlements in force', () => {
    const usage = [snap(A, '2025-12-15', { 'IPT users': 50 }), snap(A, '2026-01-05', { 'IPT users': 8 })];
    expect(rowsOf([entitlement()], usage, '2026-01-10')[0]).toMatchObject({ used: 8, peak: 8, overage: 0, status: 'ok' });
  });

  it('answers an asOf in the past as it was then: later snapshots and terms not yet begun do not count', () => {
    const usage = [snap(A, '2026-02-01', { 'IPT users': 12 }), snap(A, '2026-06-01', { 'IPT users': 3 })];
    const entitlements = [entitlement(), entitlement({ entitlementId: 'e2', quantity: 5, termStart: '2026-05-01' })];
    expect(rowsOf(entitlements, usage, '2026-03-01')[0]).toMatchObject({ entitled: 10, used: 12, status: 'over' });
    expect(rowsOf(entitlements, usage, '2026-06-01')[0]).toMatchObject({ entitled: 15, used: 3, peak: 12, status: 'ok' });
    // After the terms end, nothing is entitled: usage is unentitled, peak falls back to used.
    expect(rowsOf(entitlements, usage, '2027-01-01')[0]).toMatchObject({ entitled: 0, used: 3, peak: 3, status: 'unentitled' });
  });

  it('counts snapshots collected on asOf up to the end of that day (UTC)', () => {
    const usage = [{ installId: A, collectedAt: '2026-02-01T23:59:59.999Z', counts: new Map([['IPT users', 4]]) }];
    expect(rowsOf([entitlement()], usage, '2026-02-01')[0]!.used).toBe(4);
    expect(rowsOf([entitlement()], usage, '2026-01-31')[0]!.used).toBe(0);
  });

  it('pools every install without an install-scoped entitlement, and scopes the others', () => {
    const entitlements = [entitlement({ quantity: 20 }), entitlement({ entitlementId: 'e-b', installId: B, quantity: 5 })];
    const usage = [snap(A, '2026-02-01', { 'IPT users': 8 }), snap(B, '2026-02-01', { 'IPT users': 7 }), snap(C, '2026-02-02', { 'IPT users': 9 })];
    const rows = rowsOf(entitlements, usage, '2026-02-10');
    expect(rows).toEqual([
      { item: 'IPT users', installId: null, entitled: 20, used: 17, peak: 17, overage: 0, status: 'ok', overSince: null },
      { item: 'IPT users', installId: B, entitled: 5, used: 7, peak: 7, overage: 2, status: 'over', overSince: '2026-02-01T02:00:00.000Z' },
    ]);
  });

  it('sums the latest count of each install: the pool is over only once both report', () => {
    const usage = [snap(A, '2026-02-01', { 'IPT users': 6 }), snap(B, '2026-02-02', { 'IPT users': 6 }), snap(A, '2026-02-03', { 'IPT users': 3 })];
    expect(rowsOf([entitlement()], usage, '2026-02-01')[0]).toMatchObject({ used: 6, status: 'ok' });
    expect(rowsOf([entitlement()], usage, '2026-02-02')[0]).toMatchObject({ used: 12, status: 'over', overSince: '2026-02-02T02:00:00.000Z' });
    expect(rowsOf([entitlement()], usage, '2026-02-03')[0]).toMatchObject({ used: 9, peak: 12, overage: 2, status: 'near', overSince: null });
  });

  it('an item missing from a newer snapshot counts 0 for that install', () => {
    const usage = [snap(A, '2026-02-01', { 'IPT users': 6 }), snap(A, '2026-02-02', { other: 1 })];
    expect(rowsOf([entitlement()], usage, '2026-02-05').find((r) => r.item === 'IPT users')).toMatchObject({ used: 0, peak: 6 });
  });

  it('restarts overSince when usage falls back to entitled', () => {
    const usage = [12, 12, 10, 12].map((count, i) => snap(A, `2026-02-0${i + 1}`, { 'IPT users': count }));
    expect(rowsOf([entitlement()], usage, '2026-02-04')[0]!.overSince).toBe('2026-02-04T02:00:00.000Z');
  });

  it('takes the smallest graceDays of the entitlements in force', () => {
    const entitlements = [entitlement({ graceDays: 60 }), entitlement({ entitlementId: 'e2', quantity: 0, graceDays: 5 })];
    const usage = [snap(A, '2026-02-01', { 'IPT users': 11 })];
    expect(rowsOf(entitlements, usage, '2026-02-06')[0]!.status).toBe('over');
    expect(rowsOf(entitlements, usage, '2026-02-07')[0]!.status).toBe('over_past_grace');
  });

  it('lists entitlements without usage (entitled 0 and used 0 is ok) and usage without entitlements', () => {
    const entitlements = [entitlement({ item: 'expired', termEnd: '2025-12-31', termStart: '2025-01-01' }), entitlement({ item: 'future', termStart: '2027-01-01', termEnd: null })];
    const rows = rowsOf(entitlements, [snap(A, '2026-02-01', { reported: 0 })], '2026-02-01');
    expect(rows.map((r) => [r.item, r.entitled, r.used, r.status])).toEqual([
      ['expired', 0, 0, 'ok'],
      ['future', 0, 0, 'ok'],
      ['reported', 0, 0, 'ok'],
    ]);
  });

  it('leaves decommissioned installs out', () => {
    const usage = [snap(A, '2026-02-01', { 'IPT users': 8 }), snap(B, '2026-02-01', { 'IPT users': 8 })];
    expect(rowsOf([entitlement()], usage, '2026-02-02', new Set([B]))[0]).toMatchObject({ used: 8, peak: 8, status: 'ok' });
  });

  it('handles item names that are Object.prototype members as plain data', () => {
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
    const counts = Object.fromEntries(names.map((name, i) => [name, i + 1]));
    const usage = [{ installId: A, collectedAt: '2026-02-01T00:00:00.000Z', counts: new Map(Object.entries(JSON.parse(JSON.stringify(counts)) as Record<string, number>)) }];
    const rows = rowsOf([entitlement({ item: '__proto__', quantity: 1 })], usage, '2026-02-01');
    expect(rows.map((r) => [r.item, r.used, r.status])).toEqual([
      ['__proto__', 1, 'near'],
      ['constructor', 2, 'unentitled'],
      ['hasOwnProperty', 4, 'unentitled'],
      ['toString', 3, 'unentitled'],
    ]);
  });

  it('reports over, past grace and unentitled rows, largest overage first', () => {
    const row = (customerId: string, overage: number, status: 'ok' | 'over' | 'unentitled' | 'near') => ({ customerId, item: 'x', installId: null, entitled: 0, used: 0, peak: 0, overage, status, overSince: null });
    const report = overDeployment([row('a', 1, 'over'), row('b', 5, 'unentitled'), row('c', 9, 'near'), row('d', 0, 'ok'), row('e', 5, 'over')]);
    expect(report.map((r) => r.customerId)).toEqual(['b', 'e', 'a']);
  });
});

describe('properties', () => {
  const day = fc.integer({ min: 0, max: 120 }).map((n) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
  const installs = [A, B, C];
  const items = ['IPT users', 'devices'];
  const arbitraryEntitlement = fc.record({
    item: fc.constantFrom(...items),
    quantity: fc.integer({ min: 0, max: 30 }),
    start: day,
    length: fc.option(fc.integer({ min: 0, max: 90 }), { nil: null }),
    graceDays: fc.integer({ min: 0, max: 40 }),
    installId: fc.option(fc.constantFrom(...installs), { nil: null }),
  });
  const arbitrarySnapshot = fc.record({
    installId: fc.constantFrom(...installs),
    day,
    hour: fc.integer({ min: 0, max: 23 }),
    counts: fc.dictionary(fc.constantFrom(...items), fc.integer({ min: 0, max: 40 })),
  });

  it('overage ≥ 0, peak ≥ used, and status and overSince agree with the figures', () => {
    fc.assert(
      fc.property(fc.array(arbitraryEntitlement, { maxLength: 5 }), fc.array(arbitrarySnapshot, { maxLength: 30 }), day, (es, ss, asOf) => {
        const entitlements = es.map((e, i) =>
          entitlement({ entitlementId: `e${i}`, item: e.item, quantity: e.quantity, termStart: e.start, termEnd: e.length === null ? null : new Date(Date.parse(e.start) + e.length * 86_400_000).toISOString().slice(0, 10), graceDays: e.graceDays, installId: e.installId }),
        );
        const usage = ss.map((s) => ({ installId: s.installId, collectedAt: `${s.day}T${String(s.hour).padStart(2, '0')}:00:00.000Z`, counts: new Map(Object.entries(s.counts)) }));
        for (const row of complianceRows({ entitlements, usage, asOf })) {
          expect(row.overage).toBeGreaterThanOrEqual(0);
          expect(row.peak).toBeGreaterThanOrEqual(row.used);
          expect(row.overage).toBe(Math.max(0, row.peak - row.entitled));
          expect(row.overSince !== null).toBe(row.used > row.entitled);
          if (row.overSince !== null) expect(row.overSince.slice(0, 10) <= asOf).toBe(true);
          const over = row.status === 'over' || row.status === 'over_past_grace';
          expect(over).toBe(row.entitled > 0 && row.used > row.entitled);
          expect(row.status === 'unentitled').toBe(row.entitled === 0 && row.used > 0);
          if (row.status === 'near') expect(row.used >= 0.9 * row.entitled && row.used <= row.entitled && row.entitled > 0).toBe(true);
        }
      }),
      propertyOptions(300),
    );
  });
});
