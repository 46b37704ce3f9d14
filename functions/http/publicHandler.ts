/**
 * Handlers of public routes whose answer is read from storage (`GET /.well-known/jwks.json`):
 * no authentication, the same CORS headers and problems on failure as `httpHandler`, without
 * middy; they may not disclose anything but what they are for.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { isProblemError } from '../domain/problems.js';
import { type Clients, clients } from '../store/clients.js';
import { addCorsHeaders, allowedOrigins } from './cors.js';
import { internalErrorResponse, problemResponse } from './response.js';

export type PublicHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** A public handler whose answer `fn` builds from storage. */
export function publicHandler(fn: (request: { event: APIGatewayProxyEvent; now: Date; clients: Clients }) => Promise<APIGatewayProxyResult>): PublicHandler {
  const origins = allowedOrigins();
  return async (event) => {
    let response: APIGatewayProxyResult;
    try {
      response = await fn({ event, now: new Date(), clients: clients() });
    } catch (error) {
      if (isProblemError(error)) response = problemResponse(error.problem, error.headers);
      else {
        console.error('unhandled error', error);
        response = internalErrorResponse();
      }
    }
    addCorsHeaders(event, response, origins);
    return response;
  };
}
