/**
 * DynamoDB stream consumer: when an install's latest devices or device-versions snapshot
 * changes, sync its fleet indexes. Partial batch failures let Lambda retry from the first
 * install that failed; records of one install arrive in order (same partition key).
 */
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { defined } from '../domain/defined.js';
import { installToSync } from '../domain/fleetSyncTrigger.js';
import { logger, observability } from '../observability/index.js';
import { syncFleetIndexes } from '../services/syncFleetIndexes.js';
import { clients } from '../store/clients.js';
import { table } from '../store/tableDefinition.js';
import { timeoutEarlyMs } from '../observability/timeoutEarly.js';

export async function syncChangedInstalls(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const done = new Set<string>();
  for (const record of event.Records) {
    const keys = record.dynamodb?.Keys;
    const installId = installToSync(keys?.[table.partitionKey]?.S, keys?.[table.sortKey]?.S);
    if (installId === undefined || done.has(installId)) continue;
    try {
      await syncFleetIndexes(clients(), installId);
      done.add(installId);
    } catch (error) {
      logger.error('fleet index sync failed', { installId, error: (error as Error).message });
      return { batchItemFailures: [{ itemIdentifier: defined(record.dynamodb?.SequenceNumber, 'the SequenceNumber of a stream record') }] };
    }
  }
  return { batchItemFailures: [] };
}

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>({ timeoutEarlyInMillis: timeoutEarlyMs() })
  .use(observability({ correlationIdPath: false }))
  .handler(syncChangedInstalls);
