/**
 * JSON request bodies of the small control routes (installs, usage collection, upload sessions),
 * read through the upload body decoders. Apart from http/request.ts so that handlers without a
 * body do not load the upload validation.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ProblemError } from '../domain/problems.js';
import { jsonText, requireJsonContentType } from '../domain/uploadBody.js';
import { parseJson } from '../domain/parseJson.js';
import { bodyBytes, header } from './request.js';

/** Parses a JSON request body for the small control routes (installs, usage collection). */
export function jsonBody(event: APIGatewayProxyEvent, maxBytes = 64 * 1024): unknown {
  requireJsonContentType(header(event, 'content-type'));
  const bytes = bodyBytes(event);
  if (bytes.length > maxBytes) throw new ProblemError('payload_too_large', `The body may be at most ${maxBytes} bytes.`);
  return parseJson(jsonText(bytes));
}
