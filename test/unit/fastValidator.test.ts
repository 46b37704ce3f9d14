/**
 * The fast check (functions/domain/schemas/fastValidator.ts) says "valid" only where the zod
 * schema does. Here: its loop for character-run patterns against the regular expression it
 * stands for, on generated strings near every edge (the property tests cover whole records).
 */
import fc from 'fast-check';
import * as z from 'zod/mini';
import { characterRun, compileFastCheck } from '../../functions/domain/schemas/fastValidator.js';
import { fastCheckSchemaOf } from '../../functions/domain/schemas/recordJsonSchemas.js';

const patterns = ['^[A-Za-z0-9_-]{8,128}$', '^[0-9]{5,12}$', '^[a-z-0]{1,3}$', '^[-_]{0,2}$'];

describe.each(patterns)('the pattern %s', (pattern) => {
  const regex = new RegExp(pattern);
  const check = compileFastCheck(fastCheckSchemaOf(z.string().check(z.regex(regex))))!();

  it('is checked by a loop, not the regular expression', () => {
    expect(characterRun(pattern)).toBeDefined();
    expect(check).toBeInstanceOf(Function);
  });

  it('accepts exactly what the regular expression accepts', () => {
    const alphabet = fc.constantFrom(...'Az09_-aZ:@[`{ \n\u00e9\u0130\ud83d\ude00\u212a');
    const near = fc.oneof(fc.string({ unit: alphabet, maxLength: 140 }), fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 10 }));
    fc.assert(fc.property(near, (value) => expect(check(value)).toBe(regex.test(value))), { numRuns: 2000 });
    for (const value of ['', 'a', '0'.repeat(4), '0'.repeat(5), '0'.repeat(12), '0'.repeat(13), 'A'.repeat(8), 'A'.repeat(128), 'A'.repeat(129), 'abc\n', '-', '--', '---']) {
      expect(check(value)).toBe(regex.test(value));
    }
    expect(check(12345678)).toBe(false);
  });

  it('answers the same whatever it accepted before (it remembers the last string it accepted)', () => {
    // Accepted strings, and near misses of them: a character changed, one more or one fewer.
    const matching = fc.stringMatching(regex);
    const nearMiss = fc
      .tuple(matching, fc.nat(), fc.constantFrom(...'A0_-:@ \u00e9'), fc.constantFrom('change', 'add', 'drop'))
      .map(([v, at, c, how]) => {
        const i = v.length === 0 ? 0 : at % v.length;
        return how === 'change' ? v.slice(0, i) + c + v.slice(i + 1) : how === 'add' ? v.slice(0, i) + c + v.slice(i) : v.slice(0, i) + v.slice(i + 1);
      });
    const value = fc.oneof(matching, nearMiss, fc.string({ unit: fc.constantFrom(...'Az09_-:@ \u00e9'), maxLength: 14 }));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 6 }), (values) => {
        // Each value twice in a row, and again after the others.
        for (const v of [...values.flatMap((v) => [v, v]), ...values]) expect(check(v)).toBe(regex.test(v));
      }),
      { numRuns: 1000 },
    );
  });
});

it('leaves every other pattern to the regular expression', () => {
  for (const pattern of ['^[a-z]+$', '^[\\d]{1,2}$', '^[^a]{1,2}$', 'x[a-z]{1,2}$', '^[a-z]{2}$', '^[z-a]{1,2}$', '^[a-z]{3,2}$']) {
    expect(characterRun(pattern)).toBeUndefined();
  }
});

describe('the memory of the character-run checks', () => {
  const schema = z.strictObject({ token: z.string().check(z.regex(/^[A-Za-z0-9_-]{8,12}$/)), digits: z.string().check(z.regex(/^[0-9]{5,12}$/)) });
  const make = compileFastCheck(fastCheckSchemaOf(schema))!;

  it('is per property: a string accepted for one property is still checked for another', () => {
    const check = make();
    expect(check({ token: '12345678', digits: '12345678' })).toBe(true);
    // The token's check accepted 'abcdefgh'; the digits' check must still refuse it.
    expect(check({ token: 'abcdefgh', digits: '12345678' })).toBe(true);
    expect(check({ token: 'abcdefgh', digits: 'abcdefgh' })).toBe(false);
    expect(check({ token: '1234567890123', digits: '1234567890123' })).toBe(false);
  });

  it('is per check made: each call of the maker (one per upload) gives a new check, which answers alike', () => {
    const first = make();
    const second = make();
    expect(second).not.toBe(first);
    expect(first({ token: 'abcdefgh', digits: '12345' })).toBe(true);
    expect(second({ token: 'abcdefgh', digits: 'abcdefgh' })).toBe(false);
    expect(first({ token: 'abcdefgh', digits: '12345' })).toBe(true);
  });
});

describe('strict objects', () => {
  const check = compileFastCheck(
    fastCheckSchemaOf(z.strictObject({ name: z.string(), constructor: z.string(), count: z.number() })),
  )!();

  it('accept exactly the own properties, and refuse a missing one however the rest is made up', () => {
    expect(check({ name: 'a', constructor: 'c', count: 1 })).toBe(true);
    // A key missing and another in its place: the key count alone would pass it.
    expect(check({ name: 'a', other: 1, count: 1 })).toBe(false);
    expect(check({ name: 'a', constructor: 'c', other: 1 })).toBe(false);
    // `constructor` is read from Object.prototype when it is not own (a function, refused anyway), and tested as own.
    expect(check({ name: 'a', toString: null, count: 1 })).toBe(false);
    expect(check(JSON.parse('{"name":"a","constructor":"c","count":1}'))).toBe(true);
    expect(check(JSON.parse('{"name":"a","__proto__":null,"count":1}'))).toBe(false);
    expect(check({ name: 'a', constructor: 'c', count: undefined })).toBe(false);
  });

  it('say "valid" only where zod does, for objects of any keys and values', () => {
    const schema = z.strictObject({ name: z.string(), constructor: z.string(), count: z.number() });
    const key = fc.constantFrom('name', 'constructor', 'count', 'other', '__proto__', 'toString', 'valueOf');
    const value = fc.oneof(fc.string({ maxLength: 3 }), fc.constant(null), fc.integer(), fc.constant(undefined), fc.boolean());
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 5 }), (record) => {
        const parsed = JSON.parse(JSON.stringify(record) ?? '{}');
        for (const candidate of [record, parsed]) if (check(candidate)) expect(z.safeParse(schema, candidate).success).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
