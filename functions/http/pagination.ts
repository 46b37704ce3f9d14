/** `limit` (1–1000, default 100) and `cursor` of list routes. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import '../domain/schemas/requestLocale.js';
import { defined } from '../domain/defined.js';
import { decodeCursor, encodeCursor } from '../domain/listCursors.js';
import { parseRequest } from './parseRequest.js';

export const pageQuery = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(1000)), 100),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(4096))),
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
    // A decoded cursor holds every allowed key (decodeCursor refuses others with a problem).
    const after = defined(decodeCursor(page.cursor, ['after'])?.after, "the cursor's after key");
    start = items.findIndex((item) => keyOf(item) > after);
    if (start === -1) start = items.length;
  }
  const slice = items.slice(start, start + page.limit);
  const more = start + page.limit < items.length;
  const last = slice.at(-1);
  return { items: slice, nextCursor: more && last !== undefined ? encodeCursor({ after: keyOf(last) }) : null };
}
