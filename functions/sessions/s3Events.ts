/**
 * S3 event notifications as the processor receives them: on AWS, S3 → SQS → Lambda, one
 * notification (JSON) per SQS message body; locally, s3rver's records wrapped the same way,
 * so one handler serves both.
 */
import { randomUUID } from 'node:crypto';
import type { S3Event, SQSEvent, SQSRecord } from 'aws-lambda';

export interface ObjectCreatedEvent {
  bucket: string;
  key: string;
}

/**
 * The ObjectCreated records of one SQS message. S3's test message (sent when the
 * notification is configured) and other event types yield nothing; a body that is not an
 * S3 notification throws, so the message ends in the dead-letter queue for a look.
 */
export function objectsCreated(record: Pick<SQSRecord, 'body'>): ObjectCreatedEvent[] {
  const body = JSON.parse(record.body) as Partial<S3Event> & { Event?: string };
  if (body.Event === 's3:TestEvent') return [];
  if (!Array.isArray(body.Records)) throw new Error('The message is not an S3 event notification.');
  return body.Records.filter((r) => r.eventName?.startsWith('ObjectCreated:')).map((r) => ({
    bucket: r.s3.bucket.name,
    // Keys in notifications are URL-encoded, spaces as '+'.
    key: decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')),
  }));
}

/** An S3 notification as the SQS event that S3 → SQS → Lambda would deliver. */
export function sqsEventOf(notification: { Records: readonly unknown[] }, queueArn = 'arn:aws:sqs:local:000000000000:incoming'): SQSEvent {
  const now = String(Date.now());
  return {
    Records: [
      {
        messageId: randomUUID(),
        receiptHandle: randomUUID(),
        body: JSON.stringify(notification),
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: now, SenderId: 'local', ApproximateFirstReceiveTimestamp: now },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: 'local',
      },
    ],
  };
}
