/** defined: narrows a value an invariant guarantees, and names it when the invariant breaks. */
import { defined } from '../../functions/domain/defined.js';

it('answers the value itself, falsy ones included', () => {
  const record = { a: 1 };
  expect(defined(record, 'the record')).toBe(record);
  expect(defined(0, 'a count')).toBe(0);
  expect(defined('', 'a text')).toBe('');
  expect(defined(false, 'a flag')).toBe(false);
});

it('throws an Error naming what was missing for undefined and null', () => {
  expect(() => defined(undefined, 'the spec of query type x')).toThrow('Internal error: the spec of query type x is missing');
  expect(() => defined(null, 'a CSV field')).toThrow('Internal error: a CSV field is missing');
});
