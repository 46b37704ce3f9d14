/** `limit` (1–1000, default 100) and `cursor` of list routes. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { z } from 'zod';
import { parseRequest } from './parseRequest.js';

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().min(1).max(4096).optional(),
});

export function pageOf(event: APIGatewayProxyEvent): { limit: number; cursor?: string } {
  const params = event.queryStringParameters ?? {};
  const { limit, cursor } = parseRequest(pageQuery, { limit: params.limit, cursor: params.cursor });
  return cursor === undefined ? { limit } : { limit, cursor };
}
