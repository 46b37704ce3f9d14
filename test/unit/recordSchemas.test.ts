/**
 * The record schemas' JSON Schemas, derived at build time (functions/domain/schemas/
 * recordJsonSchemas.ts) into the module the upload functions load: up to date with the zod
 * schemas, and what they leave out changes nothing. The zod schemas themselves are built at
 * their first use, once (functions/domain/queries/types.ts): valid records never need them, so an
 * upload function's cold start builds none.
 */
import { readFileSync } from 'node:fs';
import { jest } from '@jest/globals';
import * as z from 'zod/mini';
import { querySpecs } from '../../functions/domain/queries/index.js';
import { recordSchema } from '../../functions/domain/queries/types.js';
import { recordSchemas } from '../../functions/domain/queries/recordSchemas.generated.js';
import { compileFastCheck } from '../../functions/domain/schemas/fastValidator.js';
import { fastCheckSchemaOf, RECORD_SCHEMAS_MODULE_PATH, recordSchemasModule } from '../../functions/domain/schemas/recordJsonSchemas.js';
import { withMeta } from '../../functions/domain/schemas/fields.js';

it(`${RECORD_SCHEMAS_MODULE_PATH} is what the record schemas give`, () => {
  if (readFileSync(RECORD_SCHEMAS_MODULE_PATH, 'utf8') !== recordSchemasModule()) {
    throw new Error(`${RECORD_SCHEMAS_MODULE_PATH} is not what the record schemas give: run \`npm run generate\` and commit the result.`);
  }
  expect(Object.keys(recordSchemas).sort()).toEqual(querySpecs.map((spec) => spec.queryType).sort());
});

it('gives every record schema a fast check (none has a refinement)', () => {
  for (const spec of querySpecs) expect({ type: spec.queryType, compiled: typeof compileFastCheck(recordSchemas[spec.queryType].fastCheck)?.() }).toEqual({ type: spec.queryType, compiled: 'function' });
});

it('leaves out annotations, not fields that are named like them', () => {
  const schema = z.strictObject({
    description: withMeta(z.string(), { description: 'a field called description', title: 'Description' }),
    title: z.int(),
    note: z.nullable(withMeta(z.string(), { description: 'in an alternative' })),
  });
  const jsonSchema = fastCheckSchemaOf(schema)!;
  expect(Object.keys(jsonSchema.properties as object).sort()).toEqual(['description', 'note', 'title']);
  expect(JSON.stringify(jsonSchema)).not.toMatch(/a field called description|in an alternative|"title":"Description"|\$schema/);
  const check = compileFastCheck(jsonSchema)!();
  expect(check({ description: 'x', title: 1, note: null })).toBe(true);
  expect(check({ description: 'x', title: 1, note: 'n' })).toBe(true);
  expect(check({ description: 1, title: 1, note: null })).toBe(false);
  expect(check({ description: 'x', title: 1, note: 2 })).toBe(false);
});

it('gives no fast check to a schema with a refinement', () => {
  const refined = z.strictObject({ a: z.string() }).check(z.refine((r) => r.a !== 'b'));
  expect(fastCheckSchemaOf(refined)).toBeNull();
  expect(compileFastCheck(null)).toBeUndefined();
});

it('a record schema is built at its first use, and only once', () => {
  const build = jest.fn(() => z.strictObject({ id: z.string() }));
  const schema = recordSchema(build);
  expect(build).not.toHaveBeenCalled();
  const first = schema();
  expect(schema()).toBe(first);
  expect(build).toHaveBeenCalledTimes(1);
});

it("every query type's schema is the same object at every use", () => {
  for (const spec of querySpecs) expect(spec.record()).toBe(spec.record());
});
