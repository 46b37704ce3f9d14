/**
 * Queries of one partition of the table or of an index: every page (`queryAll`) or one page
 * behind an opaque cursor (`queryPage`). The listings, reports and purges are all this shape.
 */
import { QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor, invalidCursor } from '../domain/listCursors.js';
import type { Clients } from './clients.js';
import { table } from './tableDefinition.js';

export interface KeySpace {
  /** Undefined: the table itself. */
  indexName?: string;
  partitionKey: string;
  sortKey: string;
}

export const baseTable: KeySpace = { partitionKey: table.partitionKey, sortKey: table.sortKey };

export interface PartitionQuery {
  keys: KeySpace;
  partition: string;
  /** A condition on the sort key. */
  sortKey?: { op: '<' | '<=' | 'begins_with'; value: string } | { op: 'between'; value: string; upTo: string };
  newestFirst?: boolean;
  projection?: string;
  /** Strongly consistent (the table itself only; an index answers eventually). */
  consistent?: boolean;
  /** Only items whose attribute equals the value (read and then dropped: a page may come out short). */
  filter?: { attribute: string; value: string };
}

function input(c: Clients, query: PartitionQuery): QueryCommandInput {
  const { keys, sortKey } = query;
  const sortCondition =
    sortKey === undefined ? '' : sortKey.op === 'begins_with' ? ' AND begins_with(#sk, :sk)' : sortKey.op === 'between' ? ' AND #sk BETWEEN :sk AND :upTo' : ` AND #sk ${sortKey.op} :sk`;
  return {
    TableName: c.config.tableName,
    ...(keys.indexName ? { IndexName: keys.indexName } : {}),
    KeyConditionExpression: `#pk = :pk${sortCondition}`,
    ExpressionAttributeNames: { '#pk': keys.partitionKey, ...(sortKey ? { '#sk': keys.sortKey } : {}), ...(query.filter ? { '#f': query.filter.attribute } : {}) },
    ExpressionAttributeValues: { ':pk': query.partition, ...(sortKey ? { ':sk': sortKey.value } : {}), ...(sortKey?.op === 'between' ? { ':upTo': sortKey.upTo } : {}), ...(query.filter ? { ':f': query.filter.value } : {}) },
    ...(query.filter ? { FilterExpression: '#f = :f' } : {}),
    ...(query.newestFirst ? { ScanIndexForward: false } : {}),
    ...(query.projection ? { ProjectionExpression: query.projection } : {}),
    ...(query.consistent ? { ConsistentRead: true } : {}),
  };
}

export async function queryAll(c: Clients, query: PartitionQuery): Promise<Record<string, unknown>[]> {
  return readPages(c, input(c, query));
}

/** Every page of a Query, from `startKey` on when given. */
async function readPages(c: Clients, command: QueryCommandInput, startKey?: Record<string, unknown>): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey = startKey;
  do {
    const page = await c.ddb.send(new QueryCommand({ ...command, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/**
 * What `queryAll` answers for a sort-key range below `query.sortKey.value`, oldest key first,
 * read faster where the range is long: once the first page shows there is more, the rest is cut
 * into sub-ranges at the sort keys `cutsAfter(lastKeyRead, upperBound)` names and read at once,
 * their items joined in key order. DynamoDB reads one page of 1 MB after another within a Query
 * (DynamoDB Local: 40–110 ms each). The sort key is always read, whatever the projection, to
 * join the parts; a cut that is some item's key costs nothing more (the item is kept once). Keys
 * and cuts are compared as JavaScript strings, which order ASCII as DynamoDB does.
 * `pageItems` bounds the items of each request (for tests; DynamoDB's own bound is 1 MB).
 */
export async function queryAllInParts(
  c: Clients,
  query: Omit<PartitionQuery, 'sortKey' | 'newestFirst'> & { sortKey: { op: '<'; value: string } },
  cutsAfter: (lastKeyRead: string, upperBound: string) => string[],
  pageItems?: number,
): Promise<Record<string, unknown>[]> {
  const sortKey = query.keys.sortKey;
  const keyOf = (item: Record<string, unknown>) => String(item[sortKey]);
  const projection = query.projection === undefined || query.projection.split(',').some((name) => name.trim() === sortKey) ? query.projection : `${query.projection}, ${sortKey}`;
  const whole = { ...query, ...(projection === undefined ? {} : { projection }) };
  const limit = pageItems === undefined ? {} : { Limit: pageItems };
  const first = await c.ddb.send(new QueryCommand({ ...input(c, whole), ...limit }));
  const startKey = first.LastEvaluatedKey;
  if (!startKey) return first.Items ?? [];
  const upper = query.sortKey.value;
  const after = String(startKey[sortKey]);
  const cuts = [...new Set(cutsAfter(after, upper))].filter((cut) => cut > after && cut < upper).sort();
  const edges = [after, ...cuts, upper];
  const readPart = async (from: string, to: string, exclusiveStartKey: Record<string, unknown> | undefined) => {
    const items = await readPages(c, { ...input(c, { ...whole, sortKey: { op: 'between', value: from, upTo: to } }), ...limit }, exclusiveStartKey);
    // BETWEEN takes both ends: an item at a cut is also the next part's first, and the bound is exclusive.
    return items.filter((item) => keyOf(item) !== to);
  };
  // The first part goes on from the last key read; the last ends at the bound, which is exclusive.
  const parts = await Promise.all(edges.slice(1).map((to, i) => readPart(edges[i] as string, to, i === 0 ? startKey : undefined)));
  return [...(first.Items ?? []), ...parts.flat()];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** One page; a cursor from another listing, or a forged one, is a validation problem. */
export async function queryPage(c: Clients, query: PartitionQuery, page: { limit: number; cursor?: string }): Promise<Page<Record<string, unknown>>> {
  const { keys } = query;
  const startKey = decodeCursor(page.cursor, [table.partitionKey, table.sortKey, keys.partitionKey, keys.sortKey]);
  if (startKey && startKey[keys.partitionKey] !== query.partition) throw invalidCursor('The cursor belongs to another listing.');
  let result: QueryCommandOutput;
  try {
    result = await c.ddb.send(new QueryCommand({ ...input(c, query), Limit: page.limit, ExclusiveStartKey: startKey }));
  } catch (error) {
    // A start key DynamoDB refuses (empty values, outside the key condition) came from a forged cursor.
    if (startKey && (error as Error).name === 'ValidationException') throw invalidCursor();
    throw error;
  }
  return { items: result.Items ?? [], nextCursor: encodeCursor(result.LastEvaluatedKey) };
}
