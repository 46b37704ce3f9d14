/**
 * The lists of query types that name specs by a property without loading them
 * (domain/queries/queryTypes.ts), against the specs themselves, where no type check holds them.
 */
import { querySpec, queryTypes } from '../../functions/domain/queries/index.js';
import { licenseStateQueryTypes } from '../../functions/domain/queries/queryTypes.js';

it('names as license-state types exactly the specs with an expiry histogram', () => {
  const withExpiries = queryTypes.filter((queryType) => querySpec(queryType).expiries !== undefined);
  expect([...licenseStateQueryTypes].sort()).toEqual([...withExpiries].sort());
  expect(withExpiries.length).toBeGreaterThan(0);
});
