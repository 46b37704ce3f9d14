/** API Gateway proxy responses: JSON answers and RFC 9457 problems. */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { makeProblem, type Problem } from '../domain/problems.js';

const securityHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return jsonTextResponse(statusCode, JSON.stringify(body), headers);
}

/** A JSON answer whose text is already serialized. */
export function jsonTextResponse(statusCode: number, jsonText: string, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...securityHeaders, ...headers },
    body: jsonText,
  };
}

/** The answer to a failure of the service itself: a problem that leaks nothing (the cause is logged). */
export function internalErrorResponse(): APIGatewayProxyResult {
  return problemResponse(makeProblem('internal', 'The service failed to handle the request; it is safe to retry.'));
}

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', ...securityHeaders, ...headers },
    body: JSON.stringify(problem),
  };
}

/** An answer without a body (204). */
export function noContentResponse(headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode: 204, headers: { ...securityHeaders, ...headers }, body: '' };
}
