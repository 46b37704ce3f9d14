/**
 * Checks HTTP answers against the OpenAPI document (functions/api/openApiDocument.ts): the
 * operation is found through the route table's path templates, as the local server finds
 * it; its answer's status and media type must be documented and its body valid against the
 * documented schema (ajv, JSON Schema 2020-12, the dialect of OpenAPI 3.1). An answer to a
 * path no route matches must be a problem. Every call() of the HTTP tests goes through here.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import { openApiDocument } from '../../functions/api/openApiDocument.js';
import { matchRoute } from '../../functions/local/apiGatewayEvent.js';
import { routes } from '../../functions/routes.js';

type FormatsPlugin = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((formatsModule as unknown as { default?: FormatsPlugin }).default ?? formatsModule) as unknown as FormatsPlugin;

const DOCUMENT_ID = 'openapi.json';
/** Top-level members of an OpenAPI document, which ajv would otherwise take for unknown keywords. */
const documentMembers = ['openapi', 'info', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags', 'externalDocs', 'jsonSchemaDialect'];

let compiled: { document: ReturnType<typeof openApiDocument>; ajv: Ajv2020 } | undefined;
const validators = new Map<string, ValidateFunction>();

function load() {
  if (!compiled) {
    const document = openApiDocument();
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    ajv.addVocabulary(documentMembers);
    ajv.addSchema(document, DOCUMENT_ID);
    compiled = { document, ajv };
  }
  return compiled;
}

const pointer = (parts: readonly string[]) => `#/${parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 20)
    .map((e) => {
      const detail = e.keyword === 'additionalProperties' ? ` '${e.params.additionalProperty}'` : e.keyword === 'enum' ? ` ${JSON.stringify(e.params.allowedValues)}` : '';
      return `  ${e.instancePath || '(root)'} ${e.message}${detail} [${e.schemaPath}]`;
    })
    .join('\n');
}

/** Validates a value against the schema at a location of the document (e.g. ['components', 'schemas', 'Receipt']). */
export function checkAgainstSchemaAt(location: readonly string[], value: unknown, what: string): void {
  const { ajv } = load();
  const key = pointer(location);
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile({ $ref: DOCUMENT_ID + key });
    validators.set(key, validate);
  }
  if (!validate(value)) {
    throw new Error(`${what} does not match the OpenAPI document at ${key}:\n${describeErrors(validate.errors)}\nbody: ${JSON.stringify(value)?.slice(0, 1000)}`);
  }
}

export function checkResponseAgainstOpenApi(method: string, path: string, status: number, contentType: string | null, body: unknown): void {
  const { document } = load();
  const pathname = new URL(path, 'http://localhost').pathname;
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '(none)';
  const what = `${method} ${path} answered ${status} ${mediaType}`;
  const matched = matchRoute(routes, method.toUpperCase(), pathname);
  if (!matched) {
    // The gateway's own answer to an unknown route: a problem.
    if (mediaType !== 'application/problem+json') throw new Error(`${what}: no route matches, so the answer must be application/problem+json`);
    checkAgainstSchemaAt(['components', 'schemas', 'Problem'], body, what);
    return;
  }
  const operation = matched.route.method.toLowerCase();
  const responses = (document.paths[matched.route.path]?.[operation]?.responses ?? {}) as Record<string, { content?: Record<string, unknown> }>;
  const response = responses[String(status)];
  if (!response) {
    throw new Error(`${what}: the OpenAPI document lists no ${status} for ${matched.route.method} ${matched.route.path} (it lists ${Object.keys(responses).join(', ')})`);
  }
  // A documented answer without a body (204): none may come.
  if (response.content === undefined && mediaType === '(none)' && (body === undefined || body === '')) return;
  const documented = Object.keys(response.content ?? {});
  // An answer documented without a body (204) must have none.
  if (documented.length === 0 && response.content === undefined) {
    if (body !== undefined) throw new Error(`${what}: the OpenAPI document lists no body for this answer`);
    return;
  }
  if (!documented.includes(mediaType)) {
    throw new Error(`${what}: the OpenAPI document lists ${documented.join(', ') || 'no body'} for this answer`);
  }
  checkAgainstSchemaAt(['paths', matched.route.path, operation, 'responses', String(status), 'content', mediaType, 'schema'], body, what);
}
