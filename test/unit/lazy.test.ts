/**
 * functions/domain/lazy.ts: a value made at its first use and kept, alone or per key (a query
 * type's compiled checks), undefined included.
 */
import { jest } from '@jest/globals';
import { lazy, lazyByKey } from '../../functions/domain/lazy.js';

it('makes a value at the first call only', () => {
  const make = jest.fn(() => ({ made: true }));
  const value = lazy(make);
  expect(make).not.toHaveBeenCalled();
  expect(value()).toBe(value());
  expect(make).toHaveBeenCalledTimes(1);
});

it('makes the value of each key at its first call only, an undefined value too', () => {
  const make = jest.fn((key: string) => (key === 'none' ? undefined : { key }));
  const madeFor = lazyByKey(make);
  expect(madeFor('a')).toBe(madeFor('a'));
  expect(madeFor('b')).toEqual({ key: 'b' });
  expect(madeFor('none')).toBeUndefined();
  expect(madeFor('none')).toBeUndefined();
  expect(make.mock.calls.map(([key]) => key)).toEqual(['a', 'b', 'none']);
});
