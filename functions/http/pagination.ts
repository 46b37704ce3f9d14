/** `limit` (1–1000, default 100) and `cursor` of list routes. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod';
import { decodeCursor, encodeCursor } from '../store/dynamo.js';
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

/** One page of a list already sorted in memory, resuming after the item the cursor names. */
export function pageOfSorted<T>(items: readonly T[], page: { limit: number; cursor?: string }, keyOf: (item: T) => string): { items: T[]; nextCursor: string | null } {
  let start = 0;
  if (page.cursor !== undefined) {
    const after = decodeCursor(page.cursor, ['after'])!.after!;
    start = items.findIndex((item) => keyOf(item) > after);
    if (start === -1) start = items.length;
  }
  const slice = items.slice(start, start + page.limit);
  const more = start + page.limit < items.length;
  return { items: slice, nextCursor: more ? encodeCursor({ after: keyOf(slice[slice.length - 1]!) }) : null };
}
