/** The OpenAPI document: valid OpenAPI 3.1, complete for the route table, checked in, served. */
import { readFileSync } from 'node:fs';
import { validate } from '@readme/openapi-parser';
import * as z from 'zod';
import { dateParameter, dateTimeParameter } from '../../functions/api/reportQueries.js';
import { CHECKED_IN_PATH, openApiDocument, openApiJson, openApiJsonModule, SERVED_MODULE_PATH } from '../../functions/api/openApiDocument.js';
import { isoDate, isoDateTime } from '../../functions/domain/schemas/fields.js';
import { routes } from '../../functions/routes.js';
import { call, startTestApi } from '../support/localApi.js';

// The validator resolves $refs in place, so each check gets its own copy.
const validated = (document: object) => validate(structuredClone(document) as Parameters<typeof validate>[0]);

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 to a standard validator', async () => {
    const result = await validated(openApiDocument());
    expect(result).toEqual({ valid: true, warnings: [], specification: 'OpenAPI' });
    expect(openApiDocument().openapi).toMatch(/^3\.1\./);
  });

  it('is refused by that validator when broken, so the check above means something', async () => {
    const broken = openApiDocument();
    broken.paths['/health']!.get!.responses = { 200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Nowhere' } } } } };
    expect((await validated(broken)).valid).toBe(false);
  });

  it('describes every route of the route table, with its roles and problems', () => {
    const { paths } = openApiDocument();
    for (const route of routes) {
      const operation = paths[route.path]?.[route.method.toLowerCase()] as Record<string, any> | undefined;
      expect({ route: route.handler, operationId: operation?.operationId, roles: operation?.['x-roles'] }).toEqual({ route: route.handler, operationId: route.handler, roles: route.roles });
      expect(operation!.responses['500']).toBeDefined();
      if (route.roles.length > 0) expect(operation!.responses['401']).toBeDefined();
      else expect(operation!.security).toEqual([]);
    }
    expect(Object.values(paths).flatMap((p) => Object.keys(p))).toHaveLength(routes.length);
  });

  it('references the zod/mini date formats of query parameters as Date and DateTime only because they are those', () => {
    // components.ts names dateParameter and dateTimeParameter as the record fields' formats.
    expect(z.toJSONSchema(dateParameter)).toEqual(z.toJSONSchema(isoDate));
    expect(z.toJSONSchema(dateTimeParameter)).toEqual(z.toJSONSchema(isoDateTime));
    for (const value of ['2026-02-28', '2026-02-30', '2026-02-28T10:00:00Z', '2026-02-28T10:00:00+01:00', '2026-02-28T10:00:00', 'x']) {
      expect(z.safeParse(dateParameter, value).success).toBe(isoDate.safeParse(value).success);
      expect(z.safeParse(dateTimeParameter, value).success).toBe(isoDateTime.safeParse(value).success);
    }
  });

  it(`is checked in at ${CHECKED_IN_PATH}, up to date`, () => {
    const checkedIn = readFileSync(CHECKED_IN_PATH, 'utf8');
    if (checkedIn !== openApiJson()) {
      throw new Error(`${CHECKED_IN_PATH} is not the document the code generates: run \`npm run generate\` and commit the result.`);
    }
  });

  it(`is served from ${SERVED_MODULE_PATH}, up to date`, () => {
    if (readFileSync(SERVED_MODULE_PATH, 'utf8') !== openApiJsonModule()) {
      throw new Error(`${SERVED_MODULE_PATH} is not the document the code generates: run \`npm run generate\` and commit the result.`);
    }
  });

  it('is served at GET /v1/openapi.json without authentication', async () => {
    const api = await startTestApi();
    try {
      const result = await call(api, 'GET', '/v1/openapi.json');
      expect(result.status).toBe(200);
      expect(result.headers.get('content-type')).toBe('application/json');
      expect(result.body).toEqual(openApiDocument());
    } finally {
      await api.close();
    }
  });
});
