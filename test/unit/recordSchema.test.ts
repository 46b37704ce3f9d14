/**
 * Record schemas are built at their first use, once (functions/domain/queries/types.ts): valid
 * records never need them, so an upload function's cold start builds none.
 */
import { jest } from '@jest/globals';
import * as z from 'zod/mini';
import { querySpecs } from '../../functions/domain/queries/index.js';
import { recordSchema } from '../../functions/domain/queries/types.js';

test('a record schema is built at its first use, and only once', () => {
  const build = jest.fn(() => z.strictObject({ id: z.string() }));
  const schema = recordSchema(build);
  expect(build).not.toHaveBeenCalled();
  const first = schema();
  expect(schema()).toBe(first);
  expect(build).toHaveBeenCalledTimes(1);
});

test("every query type's schema is the same object at every use", () => {
  for (const spec of querySpecs) expect(spec.record()).toBe(spec.record());
});
