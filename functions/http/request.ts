/**
 * Reading API Gateway REST (v1) proxy events: headers, parameters, body bytes and the
 * caller the authorizer established. Lambda-shaped, but no domain logic.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ProblemError } from '../domain/problems.js';
import type { QueryType } from '../domain/queries/index.js';
import { parseQueryType } from '../domain/queries/queryTypes.js';
import { LOCAL_ADMIN } from '../domain/roles.js';
import { uploadPathVariable } from '../routes.js';

export { header } from './headers.js';

/** An install's key: the install it belongs to and that install's customer. */
export interface InstallCaller {
  role: 'install';
  installId: string;
  /** The install's customer, as its key item records it (absent only on a key item without one). */
  customerId?: string;
}

/** A staff key: its name (the audit actor; `local-admin` for STAFF_API_KEY) and, if named, its id. */
export interface StaffCaller {
  role: 'staff';
  name: string;
  /** Set for a named staff key (a key may not revoke itself). */
  keyId?: string;
}

/** Who called, as the authorizer established it: narrowing on `role` gives each role's fields. */
export type Caller = InstallCaller | StaffCaller;

/**
 * Path parameters as the client meant them. API Gateway's REST API hands them to Lambda as they
 * were sent, percent-encoded (the CLI and the console encode `acme:emea` as `acme%3Aemea`), and so
 * does the local server (functions/local/apiGatewayEvent.ts). No identifier of the service holds a
 * `%`, so a value that holds one and decodes is decoded; should a gateway decode them itself,
 * decoding what is decoded already changes nothing.
 */
export function decodedPathParameters(parameters: APIGatewayProxyEvent['pathParameters']): APIGatewayProxyEvent['pathParameters'] {
  if (!parameters) return parameters;
  return Object.fromEntries(Object.entries(parameters).map(([name, value]) => [name, value?.includes('%') ? decodedOrAsSent(value) : value]));
}

/** Not a valid escape: left as sent, for the parameter check to refuse. */
function decodedOrAsSent(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function pathParameter(event: APIGatewayProxyEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined || value === '') throw new ProblemError('not_found', `The path lacks ${name}.`);
  return value;
}

/** The query type of POST /v1/uploads/{queryType}: `404 unknown_query_type` unless it names one. */
export function queryTypeFromPath(event: APIGatewayProxyEvent): QueryType {
  return parseQueryType(pathParameter(event, uploadPathVariable));
}

/** The upload id of GET /v1/uploads/{uploadId}, as sent (the same path position as the query type). */
export function uploadIdFromPath(event: APIGatewayProxyEvent): string {
  return pathParameter(event, uploadPathVariable);
}

export function queryParameter(event: APIGatewayProxyEvent, name: string): string | undefined {
  return event.queryStringParameters?.[name] ?? undefined;
}

/** The body as bytes: API Gateway base64-encodes binary media types (all of them, as deployed). */
export function bodyBytes(event: APIGatewayProxyEvent): Buffer {
  if (event.body === null || event.body === undefined) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/** The caller as the authorizer described it in the request context. */
export function callerOf(event: APIGatewayProxyEvent): Caller | undefined {
  const context = event.requestContext?.authorizer as Record<string, unknown> | null | undefined;
  const role = context?.role;
  if (role === 'staff') {
    const name = typeof context?.name === 'string' && context.name !== '' ? context.name : LOCAL_ADMIN;
    const keyId = typeof context?.keyId === 'string' && context.keyId !== '' ? { keyId: context.keyId } : {};
    return { role, name, ...keyId };
  }
  if (role === 'install' && typeof context?.installId === 'string' && context.installId !== '') {
    const customerId = typeof context.customerId === 'string' && context.customerId !== '' ? { customerId: context.customerId } : {};
    return { role, installId: context.installId, ...customerId };
  }
  return undefined;
}

/**
 * The audit actor (DESIGN.md §11) of a staff caller: its staff key's name, which the
 * authorizer carries in its context (`local-admin` for the local STAFF_API_KEY).
 */
export function actorOf(caller: Caller): string {
  return caller.role === 'staff' ? caller.name : `install:${caller.installId}`;
}
