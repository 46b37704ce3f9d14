/**
 * Reading a request header of an API Gateway proxy event. A module of its own, importing
 * nothing, so that the CORS headers of the static answers (`GET /health`, `GET /v1/openapi.json`)
 * load neither zod nor the rest of http/request.ts at a cold start.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** The value of header `name` (matched case-insensitively), or undefined when absent. */
export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}
