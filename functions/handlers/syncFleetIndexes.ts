/**
 * DynamoDB stream consumer: when an install's latest devices or device-versions snapshot
 * changes, sync its fleet indexes. Partial batch failures let Lambda retry from the first
 * install that failed; records of one install arrive in order (same partition key).
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { syncFleetIndexes } from '../services/syncFleetIndexes.js';
import { clients } from '../store/clients.js';

const FLEET_LATEST = /^LATEST#(devices|device-versions)$/;

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const done = new Set<string>();
  for (const record of event.Records) {
    const keys = record.dynamodb?.Keys;
    const pk = keys?.PK?.S;
    if (!pk?.startsWith('INSTALL#') || !FLEET_LATEST.test(keys?.SK?.S ?? '')) continue;
    const installId = pk.slice('INSTALL#'.length);
    if (done.has(installId)) continue;
    try {
      await syncFleetIndexes(clients(), installId);
      done.add(installId);
    } catch (error) {
      console.error(JSON.stringify({ level: 'ERROR', message: 'fleet index sync failed', installId, error: (error as Error).message }));
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb!.SequenceNumber! }] };
    }
  }
  return { batchItemFailures: [] };
}
