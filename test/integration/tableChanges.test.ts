/**
 * The local stand-in for the table's stream (functions/local/tableChanges.ts): the keys of every
 * item a write changed, once DynamoDB accepted it; nothing for a refused write, as a stream
 * records nothing for it.
 */
import { BatchWriteCommand, DeleteCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type ItemKeys, watchTableChanges } from '../../functions/local/tableChanges.js';
import { createClients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';

it('reports the keys of the items each accepted write changed, and none of a refused one', async () => {
  const c = createClients(storageConfig());
  const TableName = c.config.tableName;
  const seen: ItemKeys[] = [];
  const watch = watchTableChanges(c, (item) => seen.push({ PK: item.PK, SK: item.SK }));
  const pk = `TABLE-CHANGES#${process.pid}-${Date.now()}`;
  try {
    await c.ddb.send(new PutCommand({ TableName, Item: { PK: pk, SK: 'a', n: 1 } }));
    await c.ddb.send(new UpdateCommand({ TableName, Key: { PK: pk, SK: 'a' }, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': 2 } }));
    await c.ddb.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName, Item: { PK: pk, SK: 'b' } } }, { Delete: { TableName, Key: { PK: pk, SK: 'a' } } }] }));
    await c.ddb.send(new BatchWriteCommand({ RequestItems: { [TableName]: [{ PutRequest: { Item: { PK: pk, SK: 'c' } } }, { DeleteRequest: { Key: { PK: pk, SK: 'b' } } }] } }));
    await expect(c.ddb.send(new PutCommand({ TableName, Item: { PK: pk, SK: 'c' }, ConditionExpression: 'attribute_not_exists(PK)' }))).rejects.toThrow();
    await c.ddb.send(new DeleteCommand({ TableName, Key: { PK: pk, SK: 'c' } }));
    watch.stop();
    await c.ddb.send(new PutCommand({ TableName, Item: { PK: pk, SK: 'd' } }));
    await c.ddb.send(new DeleteCommand({ TableName, Key: { PK: pk, SK: 'd' } }));
  } finally {
    destroyClients(c);
  }
  expect(seen).toEqual(['a', 'a', 'b', 'a', 'c', 'b', 'c'].map((SK) => ({ PK: pk, SK })));
});
