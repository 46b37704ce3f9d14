/**
 * The S3 → SQS → processor leg of upload sessions, for tests.
 *
 * The emulators run in jest's global setup, in another process, so a test worker cannot
 * listen to s3rver's events. Instead a test does the real presigned PUT against s3rver and
 * then hands the processor Lambda handler the SQS message S3 → SQS would deliver for that
 * object (built from the object's real size and ETag). That also lets a test deliver an
 * event twice, late, or for an object that is gone. `startIncomingPump` plays the event
 * source for code that opens sessions itself (the CLI): it delivers an event for every new
 * object under incoming/ that belongs to the given installs.
 */
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handler } from '../../functions/handlers/processIncoming.js';
import { lambdaContext } from '../../functions/local/apiGatewayEvent.js';
import { INCOMING_PREFIX, uploadIdOfKey } from '../../functions/sessions/incomingKeys.js';
import { sqsEventOf } from '../../functions/sessions/s3Events.js';
import { getUpload } from '../../functions/store/uploadLog.js';
import { clients } from './localApi.js';
import { s3Of } from '../../functions/store/s3Client.js';

/** The S3 event notification of an ObjectCreated:Put, as S3 writes it to the queue. */
export async function objectCreatedNotification(key: string, bucket = clients().config.incomingBucket) {
  let size = 0;
  let eTag = '';
  try {
    const head = await s3Of(clients()).send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    size = head.ContentLength ?? 0;
    eTag = (head.ETag ?? '').replaceAll('"', '');
  } catch {
    // An event for an object that is gone by now: delivered all the same.
  }
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: clients().config.region,
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        s3: { s3SchemaVersion: '1.0', bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` }, object: { key: encodeURIComponent(key).replaceAll('%2F', '/'), size, eTag } },
      },
    ],
  };
}

/** Invokes the processor Lambda handler with an SQS event, as the event source mapping would. */
export function processIncoming(event: SQSEvent): Promise<SQSBatchResponse> {
  return handler(event, lambdaContext('processIncoming', 900_000));
}

/** Delivers the ObjectCreated event of `key` to the processor handler, as one SQS message. */
export async function deliverObjectCreated(key: string): Promise<SQSBatchResponse> {
  return processIncoming(sqsEventOf(await objectCreatedNotification(key)));
}

/** Delivers an event for each new incoming object of the given installs, every `intervalMs`. */
export function startIncomingPump(installIds: () => readonly string[], intervalMs = 100): { stop(): Promise<void> } {
  const delivered = new Set<string>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const c = clients();
      const listed = await s3Of(c).send(new ListObjectsV2Command({ Bucket: c.config.incomingBucket, Prefix: INCOMING_PREFIX }));
      for (const { Key } of listed.Contents ?? []) {
        const uploadId = Key ? uploadIdOfKey(Key) : undefined;
        if (!Key || !uploadId || delivered.has(Key)) continue;
        const upload = await getUpload(c, uploadId);
        if (!upload || !installIds().includes(upload.installId)) continue;
        delivered.add(Key);
        await deliverObjectCreated(Key);
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}
