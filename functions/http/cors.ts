/**
 * CORS for browser clients of the configured origins (env ALLOWED_ORIGINS, comma-separated):
 * the matching Origin is echoed on every answer, problems included. Preflights are answered by
 * API Gateway.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { header } from './request.js';

export function allowedOrigins(env: NodeJS.ProcessEnv = process.env): Set<string> {
  return new Set((env.ALLOWED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter((o) => o !== '' && o !== '*'));
}

export function corsHeaders(origins: ReadonlySet<string> = allowedOrigins()): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const addHeaders = async (request: { event: APIGatewayProxyEvent; response?: APIGatewayProxyResult | null | undefined }) => {
    const origin = header(request.event, 'origin');
    if (!request.response || origin === undefined || !origins.has(origin)) return;
    request.response.headers = { ...request.response.headers, 'access-control-allow-origin': origin, vary: 'Origin' };
  };
  return { after: addHeaders, onError: addHeaders };
}
