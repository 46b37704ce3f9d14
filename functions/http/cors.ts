/**
 * CORS for browser clients of the configured origins (env ALLOWED_ORIGINS, comma-separated):
 * the matching Origin is echoed on every answer, problems included. Preflights are answered by
 * API Gateway.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { header } from './headers.js';

export function allowedOrigins(env: NodeJS.ProcessEnv = process.env): Set<string> {
  return new Set((env.ALLOWED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter((o) => o !== '' && o !== '*'));
}

/** Adds the CORS headers to `response` when the request's Origin is one of `origins`. */
export function addCorsHeaders(event: APIGatewayProxyEvent, response: APIGatewayProxyResult, origins: ReadonlySet<string>): void {
  const origin = header(event, 'origin');
  if (origin === undefined || !origins.has(origin)) return;
  response.headers = { ...response.headers, 'access-control-allow-origin': origin, vary: 'Origin' };
}

export function corsHeaders(origins: ReadonlySet<string> = allowedOrigins()): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const addHeaders = async (request: { event: APIGatewayProxyEvent; response?: APIGatewayProxyResult | null | undefined }) => {
    if (request.response) addCorsHeaders(request.event, request.response, origins);
  };
  return { after: addHeaders, onError: addHeaders };
}
