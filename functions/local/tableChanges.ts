/**
 * The local stand-in for the table's KEYS_ONLY stream: the keys of every item that a write
 * through these clients changed, reported once DynamoDB has accepted the write (a refused
 * transaction reports nothing, as it leaves no stream record). DynamoDB Local has streams, but
 * the streams client is not among our dependencies; watching the one client the local server
 * writes through gives the same keys with no polling. Local only: production code never calls it.
 */
import type { Clients } from '../store/clients.js';

export interface ItemKeys {
  [attribute: string]: unknown;
}

/** The parts of a write command's input that name the items it changes (lib-dynamodb's document shapes). */
interface Write {
  TableName?: string;
  Item?: ItemKeys;
  Key?: ItemKeys;
}
interface WriteInput extends Write {
  TransactItems?: { Put?: Write; Update?: Write; Delete?: Write }[];
  RequestItems?: Record<string, { PutRequest?: { Item?: ItemKeys }; DeleteRequest?: { Key?: ItemKeys } }[]>;
}

type Next = (args: { input?: WriteInput }) => Promise<unknown>;
interface Stack {
  add(middleware: (next: Next, context: { commandName?: string }) => Next, options: { step: 'initialize'; name: string }): void;
  remove(name: string): boolean;
}

/** The items a write command changes in `tableName` (by the client's name for it: PutItemCommand, TransactWriteItemsCommand, ...). */
function changedItems(command: string, input: WriteInput, tableName: string): ItemKeys[] {
  switch (command.replace(/(Item|Items)?Command$/, '')) {
    case 'Put':
      return input.TableName === tableName && input.Item ? [input.Item] : [];
    case 'Update':
    case 'Delete':
      return input.TableName === tableName && input.Key ? [input.Key] : [];
    case 'TransactWrite':
      return (input.TransactItems ?? []).flatMap((item) => {
        const write = item.Put ?? item.Update ?? item.Delete;
        const keys = write?.Item ?? write?.Key;
        return write?.TableName === tableName && keys ? [keys] : [];
      });
    case 'BatchWrite':
      return (input.RequestItems?.[tableName] ?? []).flatMap((request) => {
        const keys = request.PutRequest?.Item ?? request.DeleteRequest?.Key;
        return keys ? [keys] : [];
      });
    default:
      return [];
  }
}

let watchers = 0;

/** Calls `listener` with the keys of each item changed through `c`'s DynamoDB client, until `stop()`. */
export function watchTableChanges(c: Clients, listener: (item: ItemKeys) => void): { stop(): void } {
  const name = `local-table-changes-${++watchers}`;
  const stack = c.ddb.middlewareStack as unknown as Stack;
  stack.add(
    (next, context) => async (args) => {
      const output = await next(args);
      for (const item of changedItems(context.commandName ?? '', args.input ?? {}, c.config.tableName)) listener(item);
      return output;
    },
    { step: 'initialize', name },
  );
  return { stop: () => void stack.remove(name) };
}
