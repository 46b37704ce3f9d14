/** Small helpers over DynamoDB's error shapes, transactions, update expressions, batch reads and writes. */
import { BatchGetCommand, BatchWriteCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Clients } from './clients.js';

export interface CancellationReason {
  Code?: string;
  Item?: Record<string, unknown>;
}

/** The per-item reasons of a cancelled transaction, or undefined for any other error. */
export function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if ((error as { name?: string })?.name !== 'TransactionCanceledException') return undefined;
  return ((error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? []) as CancellationReason[];
}

export function isConditionFailure(error: unknown): boolean {
  return (error as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/** The items of one TransactWriteItems, as the document client takes them. */
export type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;
/** One item of a TransactWriteItems request. */
export type TransactItem = TransactItems[number];

/**
 * Commits `items` in one TransactWriteItems: true. False, with nothing written, when DynamoDB
 * cancelled it because the condition of the first item failed: the item whose state says
 * whether the write is due at all (there is nothing to change, or a concurrent request made
 * the change already). A conflict with another transaction is tried again
 * (transactOrFirstRefusal): two requests writing one item at once must not answer 500. Any
 * other failure is thrown.
 */
export async function transactUnlessFirstConditionFails(c: Clients, items: TransactItems): Promise<boolean> {
  return (await transactOrFirstRefusal(c, items)) === undefined;
}

/**
 * Commits `items` in one TransactWriteItems: true. False, with nothing written, when DynamoDB
 * cancelled it for any reason (a racing write changed what the items were built from): the
 * caller reads again and retries. Any other failure is thrown.
 */
export async function transactUnlessCancelled(c: Clients, items: TransactItems): Promise<boolean> {
  try {
    await c.ddb.send(new TransactWriteCommand({ TransactItems: items }));
    return true;
  } catch (error) {
    if (cancellationReasons(error)) return false;
    throw error;
  }
}

/**
 * Commits `items` in one TransactWriteItems: undefined. When DynamoDB cancelled it because the
 * first item's condition failed, that item's cancellation reason (with its Item, given
 * ReturnValuesOnConditionCheckFailure), and nothing written. A cancellation for a conflict with
 * another transaction on one of the items is tried again after a pause, at most 20 times, as an
 * upload's commit is: for a write that checks an item other requests write often (the install
 * item, which every upload's commit updates). Any other failure is thrown.
 */
export async function transactOrFirstRefusal(c: Clients, items: TransactItems): Promise<CancellationReason | undefined> {
  for (let attempt = 0; ; attempt++) {
    try {
      await c.ddb.send(new TransactWriteCommand({ TransactItems: items }));
      return undefined;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons?.[0]?.Code === 'ConditionalCheckFailed') return reasons[0];
      if (!reasons?.some((r) => r.Code === 'TransactionConflict') || attempt >= 20) throw error;
      await sleep(Math.min(200, 5 * 2 ** attempt) * Math.random());
    }
  }
}

/**
 * Attributes as the `SET` clause of an update, `#p0 = :p0, #p1 = :p1` for prefix `p`, with the
 * names and values it uses (the prefix keeps them apart from the rest of the expression's).
 */
export function setClause(attributes: Record<string, unknown>, prefix: string): { expression: string; names: Record<string, string>; values: Record<string, unknown> } {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const assignments = Object.entries(attributes).map(([name, value], i) => {
    names[`#${prefix}${i}`] = name;
    values[`:${prefix}${i}`] = value;
    return `#${prefix}${i} = :${prefix}${i}`;
  });
  return { expression: assignments.join(', '), names, values };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One request of BatchWriteItem: a whole-item put or a delete, so sending it twice changes nothing. */
export type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

const BATCH_WRITE_MAX = 25;

/**
 * Writes `requests` by BatchWriteItem, 25 a call, sending again what DynamoDB left unprocessed
 * (with a growing pause, as AWS advises). One call after another; `signal` stops it between two.
 */
export async function batchWrite(c: Clients, requests: readonly WriteRequest[], signal?: AbortSignal): Promise<void> {
  for (let i = 0; i < requests.length; i += BATCH_WRITE_MAX) {
    let pending: WriteRequest[] = requests.slice(i, i + BATCH_WRITE_MAX);
    for (let attempt = 0; pending.length > 0; attempt++) {
      signal?.throwIfAborted();
      if (attempt >= 10) throw new Error(`BatchWriteItem left ${pending.length} writes unprocessed after ${attempt} attempts`);
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
      const result = await c.ddb.send(new BatchWriteCommand({ RequestItems: { [c.config.tableName]: pending } }));
      pending = (result.UnprocessedItems?.[c.config.tableName] ?? []) as WriteRequest[];
    }
  }
}

/** Deletes the items of `keys` by BatchWriteItem (batchWrite). */
export function batchDelete(c: Clients, keys: readonly Record<string, unknown>[]): Promise<void> {
  return batchWrite(c, keys.map((Key) => ({ DeleteRequest: { Key } })));
}

const BATCH_GET_MAX = 100;

/**
 * Reads the items of `keys` by BatchGetItem, 100 a call and `inFlight` calls at once, asking again
 * for what DynamoDB left unprocessed (with a growing pause, as batchWrite); only `projection`'s
 * attributes when given. The items come in no particular order. A key given twice is read once:
 * DynamoDB refuses a call that holds a key twice (an index read during a rename may name an item
 * twice).
 */
export async function batchGet(
  c: Clients,
  keys: readonly Record<string, unknown>[],
  options: { projection?: string; inFlight?: number; consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const unique = [...new Map(keys.map((key) => [JSON.stringify(key), key])).values()];
  const found: Record<string, unknown>[] = [];
  const readBatch = async (batch: Record<string, unknown>[]) => {
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const request = { Keys: pending, ...(options.projection ? { ProjectionExpression: options.projection } : {}), ...(options.consistent ? { ConsistentRead: true } : {}) };
      const answer = await c.ddb.send(new BatchGetCommand({ RequestItems: { [c.config.tableName]: request } }));
      found.push(...(answer.Responses?.[c.config.tableName] ?? []));
      pending = (answer.UnprocessedKeys?.[c.config.tableName]?.Keys ?? []) as Record<string, unknown>[];
      if (pending.length > 0 && attempt >= 10) throw new Error('DynamoDB left reads unprocessed after 10 attempts');
      if (pending.length > 0) await sleep(Math.min(1000, 20 * 2 ** attempt));
    }
  };
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < unique.length; i += BATCH_GET_MAX) batches.push(unique.slice(i, i + BATCH_GET_MAX));
  const inFlight = options.inFlight ?? 1;
  for (let i = 0; i < batches.length; i += inFlight) await Promise.all(batches.slice(i, i + inFlight).map(readBatch));
  return found;
}
