/**
 * Every path and query parameter checked before a handler runs (in the one middy wrapper,
 * httpHandler.ts), so no value reaches storage that storage would refuse (a DynamoDB key is at
 * most 2,048 bytes: a longer id answered 500) and a route added to the table is covered
 * without code of its own.
 *
 * A path parameter is read by the rule of its name, and by DEFAULT_PATH_RULE when its name has
 * none: a value outside its rule can name nothing, so it answers 404 `not_found`. A query
 * parameter of any name may be at most MAX_QUERY_PARAMETER_CHARS long (the longest the routes
 * take is a cursor); longer answers 400 `validation_failed`. The handlers still parse the
 * parameters they take with their own schemas.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { CUSTOMER_ID, UUID } from '../domain/identifierPatterns.js';
import { ProblemError } from '../domain/problems.js';
import { uploadPathVariable } from '../routes.js';

export interface PathParameterRule {
  maxChars: number;
  pattern: RegExp;
}

/** Printable: no control characters (C0, DEL, C1), at least one character. */
const PRINTABLE = /^[^\u0000-\u001f\u007f-\u009f]+$/;

/** The rule of a path parameter whose name has none of its own. */
export const DEFAULT_PATH_RULE: PathParameterRule = { maxChars: 256, pattern: PRINTABLE };

/** Rules by path parameter name (the names of functions/routes.ts); a null prototype, so only these names match. */
export const pathParameterRules: Readonly<Record<string, PathParameterRule>> = Object.assign(Object.create(null) as Record<string, PathParameterRule>, {
  installId: { maxChars: 36, pattern: UUID },
  customerId: { maxChars: 128, pattern: CUSTOMER_ID },
  // A query type name (lowercase words and hyphens) or an upload id.
  [uploadPathVariable]: { maxChars: 64, pattern: /^[A-Za-z0-9-]+$/ },
});

export const MAX_QUERY_PARAMETER_CHARS = 4096;

/** The rule for a path parameter name. */
export function pathParameterRule(name: string): PathParameterRule {
  return pathParameterRules[name] ?? DEFAULT_PATH_RULE;
}

/** The names of a route path's parameters: `/v1/installs/{installId}` -> ['installId']. */
export function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].flatMap(([, name]) => (name === undefined ? [] : [name]));
}

/**
 * The check of a route's events: throws the problem of the first parameter outside its bounds.
 * The route's parameter names and rules are read once, here, not on every request.
 */
export function parameterCheck(routePath: string): (event: APIGatewayProxyEvent) => void {
  const pathRules = pathParameterNames(routePath).map((name) => [name, pathParameterRule(name)] as const);
  return (event) => checkParameters(event, pathRules);
}

function checkParameters(event: APIGatewayProxyEvent, pathRules: readonly (readonly [string, PathParameterRule])[]): void {
  for (const [name, rule] of pathRules) {
    const value = event.pathParameters?.[name];
    if (value === undefined || value === null || value.length > rule.maxChars || !rule.pattern.test(value)) {
      // The value is not echoed: it may be anything, of any length.
      throw new ProblemError('not_found', `No resource has this ${name}: it is not of the form one has.`);
    }
  }
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined && value !== null && (value.length > MAX_QUERY_PARAMETER_CHARS || name.length > MAX_QUERY_PARAMETER_CHARS)) {
      throw new ProblemError('validation_failed', 'A query parameter is too long.', [
        { path: name.length > 64 ? '(a query parameter)' : name, message: `must be at most ${MAX_QUERY_PARAMETER_CHARS} characters` },
      ]);
    }
  }
}
