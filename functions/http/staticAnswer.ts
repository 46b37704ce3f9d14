/**
 * Handlers of public routes whose answer is fixed (`GET /health`, `GET /v1/openapi.json`):
 * the same answer, CORS headers and problem on failure as `httpHandler`, but without middy,
 * Powertools or storage, so their functions load nothing else at a cold start
 * (docs/decisions.md, "Operations"). Nothing here may import more than that.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { addCorsHeaders, allowedOrigins } from './cors.js';
import { internalErrorResponse, jsonTextResponse } from './response.js';

export type StaticAnswerHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** A handler answering `200` with this JSON text to every request. */
export function staticJsonHandler(jsonText: string): StaticAnswerHandler {
  const origins = allowedOrigins();
  return async (event) => {
    let response: APIGatewayProxyResult;
    try {
      response = jsonTextResponse(200, jsonText);
      addCorsHeaders(event, response, origins);
    } catch (error) {
      // As httpHandler's problemResponses: log the cause, answer a problem that leaks nothing.
      console.error('unhandled error', error);
      response = internalErrorResponse();
    }
    return response;
  };
}
