/**
 * The upload-session processor (S3 ObjectCreated → SQS → this Lambda): settles each session
 * whose object arrived. Partial batch failures: a message that fails is reported alone and
 * retried (then dead-lettered); the others of the batch are done. Upload problems are not
 * failures: they are recorded on the session as `rejected`.
 */
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger, observability } from '../observability/index.js';
import { processIncomingObject } from '../services/processIncoming.js';
import { objectsCreated } from '../sessions/s3Events.js';
import { clients } from '../store/clients.js';
import { timeoutEarlyMs } from '../observability/timeoutEarly.js';

export async function processIncomingBatch(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      for (const object of objectsCreated(record)) {
        const result = await processIncomingObject(clients(), object);
        logger.info('incoming object processed', { key: object.key, ...result });
      }
    } catch (error) {
      // Names and messages of SDK or parsing errors only: never bodies or records.
      logger.error('incoming message failed', { messageId: record.messageId, error: { name: (error as Error)?.name, message: (error as Error)?.message } });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}

export const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>({ timeoutEarlyInMillis: timeoutEarlyMs() })
  .use(observability({ correlationIdPath: false }))
  .handler(processIncomingBatch);
