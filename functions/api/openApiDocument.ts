/**
 * The OpenAPI 3.1 document of this API, generated from the route table (functions/routes.ts),
 * the route docs and the zod schemas; never written by hand. `npm run generate` writes it to
 * docs/openapi.json, and GET /v1/openapi.json serves it.
 */
import { safeParse } from 'zod';
import { defined } from '../domain/defined.js';
import { type ProblemCode, problemCodes, problemStatus } from '../domain/problems.js';
import { type Role, type Route, routes } from '../routes.js';
import { componentSchemas, type JsonSchema, refOf, schemaOf } from './components.js';
import { type ParameterDoc, type RouteDoc, routeDocs } from './routeDocs.js';

const problemRef = '#/components/schemas/Problem';
const everyRole: Record<Role, true> = { install: true, staff: true };

/** The parts of OpenAPI 3.1 this document uses. */
type Json = Record<string, unknown>;
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string; contact: { name: string; url: string } };
  servers: { url: string; description: string }[];
  tags: { name: string; description: string }[];
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, Json>>;
  components: { securitySchemes: Record<string, Json>; schemas: Record<string, JsonSchema> };
}

const info: OpenApiDocument['info'] = {
  title: 'MPA Licensing Upload Service',
  version: '1',
  description: [
    'The Mitel-side backend of MPA licensing: MPA installs upload the results of twelve licensing queries, Mitel licensing staff query what was collected.',
    'Authentication: `Authorization: Bearer <api key>`; each operation names the roles it admits in `x-roles`.',
    'Errors are RFC 9457 problems (`application/problem+json`) whose `code` says what went wrong; each operation lists the codes it may answer with.',
    'Lists take `limit` (1-1000, default 100) and an opaque `cursor`, and answer `{ items, nextCursor }`.',
    'Operations marked `x-provisional` go beyond the v1 contract and may still change.',
  ].join('\n\n'),
  contact: { name: 'Mitel MPA licensing', url: 'https://www.mitel.com/' },
};

/** Relative: the document is served by the API it describes, locally and on AWS alike. */
const servers: OpenApiDocument['servers'] = [{ url: '/', description: 'The API that serves this document' }];

/**
 * Operations are grouped by the first segment of their path after `/v1/`; a segment not named
 * here gets a tag of its own name, so a new route is tagged the moment it is added.
 */
const tagOfSegment: Record<string, { name: string; description: string }> = Object.assign(Object.create(null), {
  health: { name: 'Service', description: 'Liveness and this document.' },
  'openapi.json': { name: 'Service', description: 'Liveness and this document.' },
  uploads: { name: 'Uploads', description: 'Query results from installs and the status of each upload.' },
  'upload-sessions': { name: 'Uploads', description: 'Query results from installs and the status of each upload.' },
  'usage-collection': { name: 'Uploads', description: 'Query results from installs and the status of each upload.' },
  bundles: { name: 'Bundles', description: 'Offline bundles: zips of query results uploaded by hand.' },
  installs: { name: 'Installs', description: 'Registered MPA installs, their keys and their latest summaries.' },
  customers: { name: 'Customers', description: "A customer's installs, license state, entitlements and compliance." },
  reports: { name: 'Reports', description: 'Fleet-wide reports for licensing staff.' },
});

/** The tag of a route's operation. */
export function tagOf(path: string): { name: string; description: string } {
  const segment = path.replace(/^\/(v1\/)?/, '').split('/')[0] ?? '';
  return tagOfSegment[segment] ?? { name: segment, description: `Operations under /${segment}.` };
}

function parameters(location: 'path' | 'query' | 'header', docs: Record<string, ParameterDoc> = {}): Json[] {
  return Object.entries(docs).map(([name, doc]) => ({
    name,
    in: location,
    required: location === 'path' || !safeParse(doc.schema, undefined).success,
    description: doc.description,
    schema: schemaOf(doc.schema),
  }));
}

function checkPathParameters(route: Route, doc: RouteDoc): void {
  const inTemplate = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
  const documented = Object.keys(doc.path ?? {}).sort();
  if (inTemplate.join() !== documented.join()) {
    throw new Error(`${route.handler}: path ${route.path} has parameters [${inTemplate}], its docs [${documented}] (functions/api/routeDocs.ts)`);
  }
}

/** The route's own problem codes and those every route of its kind can answer with, in contract order. */
function problemCodesOf(route: Route, doc: RouteDoc): ProblemCode[] {
  const codes = new Set<ProblemCode>([...doc.problems, 'throttled', 'internal']);
  if (route.roles.length > 0) codes.add('unauthorized');
  if (route.roles.length > 0 && (Object.keys(everyRole) as Role[]).some((role) => !route.roles.includes(role))) codes.add('forbidden');
  // API Gateway refuses bodies over its limit before any handler runs.
  if (doc.body) codes.add('payload_too_large');
  // The wrapper's parameter bounds (http/parameterBounds.ts): a path parameter out of its form
  // names nothing; an over-long query parameter is refused on any authenticated route.
  if (route.path.includes('{')) codes.add('not_found');
  if (route.roles.length > 0) codes.add('validation_failed');
  return problemCodes.filter((code) => codes.has(code));
}

function problemResponses(codes: readonly ProblemCode[]): Record<string, Json> {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of codes) byStatus.set(problemStatus(code), [...(byStatus.get(problemStatus(code)) ?? []), code]);
  const responses: Record<string, Json> = {};
  for (const [status, ofStatus] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[status] = {
      description: `A problem: ${ofStatus.map((c) => `\`${c}\``).join(', ')}.`,
      content: {
        'application/problem+json': {
          schema: { $ref: problemRef, type: 'object', properties: { status: { const: status }, code: { enum: ofStatus } } },
        },
      },
    };
  }
  return responses;
}

function successResponses(route: Route, doc: RouteDoc): Record<string, Json> {
  const responses: Record<string, Json> = {};
  for (const [status, response] of Object.entries(doc.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.location ? { headers: { Location: { description: response.location, schema: { type: 'string' } } } } : {}),
      // No schema: an answer without a body (204).
      ...(response.schema ? { content: { 'application/json': { schema: refOf(response.schema, `${route.handler} ${status}`) } } } : {}),
    };
  }
  return responses;
}

function requestBody(route: Route, body: NonNullable<RouteDoc['body']>): Json {
  return {
    required: true,
    description: body.description,
    content: {
      [body.contentType]: {
        ...(body.schema ? { schema: refOf(body.schema, `${route.handler} request`) } : {}),
        // A zip's parts have no JSON Schema of their own; the manifest inside it has one.
        ...(body.describedBy ? { 'x-contains': { $ref: `#/components/schemas/${body.describedBy}` } } : {}),
      },
    },
  };
}

function operationOf(route: Route): Json {
  const doc = defined(routeDocs[route.handler as keyof typeof routeDocs], `the docs of handler ${route.handler} (functions/api/routeDocs.ts)`);
  checkPathParameters(route, doc);
  const allParameters = [...parameters('path', doc.path), ...parameters('query', doc.query), ...parameters('header', doc.headers)];
  const roles = route.roles.length > 0 ? `Roles: ${route.roles.join(', ')}.` : 'No authentication.';
  return {
    operationId: route.handler,
    tags: [tagOf(route.path).name],
    summary: route.summary,
    description: `${doc.description}\n\n${roles}${doc.provisional ? ' Provisional: beyond the v1 contract, may still change.' : ''}`,
    ...(route.roles.length === 0 ? { security: [] } : {}),
    ...(allParameters.length > 0 ? { parameters: allParameters } : {}),
    ...(doc.body ? { requestBody: requestBody(route, doc.body) } : {}),
    responses: { ...successResponses(route, doc), ...problemResponses(problemCodesOf(route, doc)) },
    'x-roles': route.roles,
    ...(doc.provisional ? { 'x-provisional': true } : {}),
  };
}

export function openApiDocument(): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes as readonly Route[]) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operationOf(route);
  }
  const tags = [...new Map((routes as readonly Route[]).map((route) => [tagOf(route.path).name, tagOf(route.path)])).values()];
  return {
    openapi: '3.1.1',
    info,
    servers,
    tags,
    security: [{ apiKey: [] }],
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key issued by the service: `mpai_…` for an install, `mpas_…` for staff.',
        },
      },
      schemas: componentSchemas(),
    },
  };
}

/** Where the document is checked in, from the repository root. */
export const CHECKED_IN_PATH = 'docs/openapi.json';

/** The document as checked in. */
export function openApiJson(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

/**
 * Where the served copy is checked in: a module holding the document as JSON text, so the
 * function of GET /v1/openapi.json loads one string instead of zod and every schema.
 */
export const SERVED_MODULE_PATH = 'functions/api/openApiJson.generated.ts';

/**
 * JSON text in ASCII alone: every other character (only ever inside a string) as its `\u`
 * escape, which parses to the same document. One non-ASCII character makes a whole module
 * two-byte text for V8 (esbuild writes them as they are): the document's few (`§`, `…`) cost its
 * function's cold import about a third more (bench/README.md, `initRatio`).
 */
function asciiJson(jsonText: string): string {
  return jsonText.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The source of the served copy (SERVED_MODULE_PATH). */
export function openApiJsonModule(): string {
  return [
    '// Generated by `npm run generate` from functions/api/openApiDocument.ts (the zod schemas and the route table); do not edit.',
    '/** The body of GET /v1/openapi.json: the OpenAPI document as compact JSON text. */',
    `export const openApiJsonText = ${JSON.stringify(asciiJson(JSON.stringify(openApiDocument())))};`,
    '',
  ].join('\n');
}
