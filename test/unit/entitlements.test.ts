/** The entitlement request of DESIGN.md §8 (domain/entitlements.ts): every validation rule and the stored shape. */
import { safeParse } from 'zod/mini';
import { entitlementId, entitlementOf, entitlementRequest, sameEntitlement } from '../../functions/domain/entitlements.js';
import { customerId } from '../../functions/domain/installs.js';

const valid = { item: 'IPT users', quantity: 10, termStart: '2026-01-01', termEnd: '2026-12-31' };
const paths = (value: unknown) => {
  const result = safeParse(entitlementRequest, value);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
};

describe('entitlementRequest', () => {
  it('accepts the smallest and the fullest entitlement', () => {
    expect(paths(valid)).toEqual([]);
    expect(paths({ ...valid, termEnd: null, graceDays: 0, installId: '4a8e4d54-5a53-4b8a-9a57-0d0f35bb6e4f', contractRef: 'C'.repeat(128) })).toEqual([]);
    expect(paths({ ...valid, installId: null, contractRef: null, graceDays: 365, quantity: 0, item: 'x'.repeat(128) })).toEqual([]);
    expect(paths({ ...valid, termEnd: valid.termStart })).toEqual([]);
  });

  it.each([
    ['an unknown field', { ...valid, colour: 'red' }, ''],
    ['no item', { ...valid, item: undefined }, 'item'],
    ['an empty item', { ...valid, item: '' }, 'item'],
    ['an item of 129 characters', { ...valid, item: 'x'.repeat(129) }, 'item'],
    ['a negative quantity', { ...valid, quantity: -1 }, 'quantity'],
    ['a fractional quantity', { ...valid, quantity: 1.5 }, 'quantity'],
    ['a quantity as text', { ...valid, quantity: '10' }, 'quantity'],
    ['a bad termStart', { ...valid, termStart: '2026-02-30' }, 'termStart'],
    ['a datetime termStart', { ...valid, termStart: '2026-01-01T00:00:00Z' }, 'termStart'],
    ['no termEnd', { item: 'x', quantity: 1, termStart: '2026-01-01' }, 'termEnd'],
    ['a bad termEnd', { ...valid, termEnd: '31/12/2026' }, 'termEnd'],
    ['termEnd before termStart', { ...valid, termEnd: '2025-12-31' }, 'termEnd'],
    ['graceDays below 0', { ...valid, graceDays: -1 }, 'graceDays'],
    ['graceDays above 365', { ...valid, graceDays: 366 }, 'graceDays'],
    ['fractional graceDays', { ...valid, graceDays: 1.5 }, 'graceDays'],
    ['an installId that is no install id', { ...valid, installId: 'install-1' }, 'installId'],
    ['a contractRef of 129 characters', { ...valid, contractRef: 'x'.repeat(129) }, 'contractRef'],
  ])('refuses %s', (_what, body, path) => {
    expect(paths(body)).toContain(path);
  });

  it('refuses what is not an object', () => {
    for (const body of [null, [], 'x', 1]) expect(paths(body)).toEqual(['']);
  });
});

describe('identifiers', () => {
  it.each(['a', 'ORDER-1.2_3', 'x'.repeat(64)])('entitlementId %s is valid', (id) => expect(safeParse(entitlementId, id).success).toBe(true));
  it.each(['', 'x'.repeat(65), 'a/b', 'a b', 'a#b', 'é'])('entitlementId %j is not', (id) => expect(safeParse(entitlementId, id).success).toBe(false));
  it.each(['', 'x'.repeat(129), 'a/b', 'a#b'])('customerId %j is not', (id) => expect(safeParse(customerId, id).success).toBe(false));
});

describe('entitlementOf', () => {
  it('stores defaults: graceDays 30, installId and contractRef null', () => {
    const stored = entitlementOf('cust', 'e1', safeParse(entitlementRequest, valid).data!, '2026-02-01T00:00:00.000Z');
    expect(stored).toEqual({ customerId: 'cust', entitlementId: 'e1', ...valid, graceDays: 30, installId: null, contractRef: null, updatedAt: '2026-02-01T00:00:00.000Z' });
    expect(sameEntitlement(stored, { ...stored, updatedAt: 'later' })).toBe(true);
    expect(sameEntitlement(stored, { ...stored, quantity: 11 })).toBe(false);
  });
});
