/**
 * Every path and query parameter is checked before it reaches storage (http/parameterBounds.ts).
 * An attack found GET /v1/installs/<2,100 characters>, …/uploads and POST …/keys answering 500:
 * DynamoDB refuses keys over 2,048 bytes and the handlers never checked the id. The cases are
 * derived from the route table, so a route added to it is covered without a line here.
 */
import { routeDocs } from '../../functions/api/routeDocs.js';
import { DEFAULT_PATH_RULE, MAX_QUERY_PARAMETER_CHARS, pathParameterNames, pathParameterRule } from '../../functions/http/parameterBounds.js';
import { routes } from '../../functions/routes.js';
import { call, createTestInstall, startTestApi, staffKey, type TestApi } from '../support/localApi.js';

let api: TestApi;
let installKey: string;
beforeAll(async () => {
  api = await startTestApi();
  installKey = (await createTestInstall(api)).apiKey;
});
afterAll(() => api.close());

const authenticated = routes.filter((route) => route.roles.length > 0);
const keyOf = (roles: readonly string[]) => (roles.includes('staff') ? staffKey() : installKey);
const LENGTHS = [257, 2049, 2100, 10_000];

/** Each (route, path parameter, length): that parameter over-long, the others plausible. */
const overLongPaths = authenticated.flatMap((route) =>
  pathParameterNames(route.path).flatMap((name) =>
    LENGTHS.map((length) => [`${route.method} ${route.path}`, name, length, route] as const),
  ),
);

it('covers every path parameter of the table', () => {
  const named = new Set(authenticated.flatMap((route) => pathParameterNames(route.path)));
  expect(new Set(overLongPaths.map(([, name]) => name))).toEqual(named);
  for (const name of named) expect(pathParameterRule(name).maxChars).toBeLessThanOrEqual(DEFAULT_PATH_RULE.maxChars);
});

it.each(overLongPaths)('%s with %s of %i characters answers 404, not 500', async (_label, name, length, route) => {
  const path = route.path.replace(/\{([^}]+)\}/g, (_m, other: string) => (other === name ? 'a'.repeat(length) : '00000000-0000-0000-0000-000000000000'));
  const answer = await call(api, route.method, path, { key: keyOf(route.roles), ...(route.method === 'GET' ? {} : { body: {} }) });
  expect(answer.status).toBe(404);
  expect(answer.body.code).toBe('not_found');
  expect(JSON.stringify(answer.body)).not.toContain('a'.repeat(64));
});

it.each(authenticated.flatMap((route) => ['\u0001', '%00', '%7F'].map((bad) => [`${route.method} ${route.path}`, bad, route] as const)).filter(([, , route]) => route.path.includes('{')))(
  '%s with a control character %j in a path parameter answers 404',
  async (_label, bad, route) => {
    const path = route.path.replace(/\{([^}]+)\}/g, () => `x${bad}`);
    const answer = await call(api, route.method, path, { key: keyOf(route.roles), ...(route.method === 'GET' ? {} : { body: {} }) });
    expect(answer.status).toBe(404);
  },
);

/** Each (route, query parameter it documents, or any other name): that parameter over-long. */
const overLongQueries = authenticated.flatMap((route) =>
  [...Object.keys(routeDocs[route.handler as keyof typeof routeDocs]?.query ?? {}), 'unknown'].map((name) => [`${route.method} ${route.path}`, name, route] as const),
);

it.each(overLongQueries)('%s with query parameter %s over-long answers 400, not 500', async (_label, name, route) => {
  const path = route.path.replace(/\{([^}]+)\}/g, '00000000-0000-0000-0000-000000000000');
  const answer = await call(api, route.method, `${path}?${name}=${'q'.repeat(MAX_QUERY_PARAMETER_CHARS + 1)}`, { key: keyOf(route.roles), ...(route.method === 'GET' ? {} : { body: {} }) });
  expect(answer.status).toBe(400);
  expect(answer.body.code).toBe('validation_failed');
});
