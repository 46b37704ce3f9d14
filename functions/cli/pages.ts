/**
 * Paged listings followed to the end: every staff list (installs, customers, audit, reports)
 * answers pages with a nextCursor, and the CLI prints them whole unless --limit asks for one.
 */
import { wholeNumberOption } from './options.js';

/** Every page of a listing (or one of at most `limit` items). */
export async function allPages<T>(fetch: (query: Record<string, string | undefined>) => Promise<{ items: T[]; nextCursor: string | null }>, query: Record<string, string | undefined>, limit: string | undefined): Promise<T[]> {
  if (limit !== undefined) return (await fetch({ ...query, limit: wholeNumberOption('--limit', limit, 1, 1000) })).items;
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetch({ ...query, limit: '1000', cursor });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}
