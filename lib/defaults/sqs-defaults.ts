/** Secure defaults for SQS queues: SSE (SQS-managed keys, which S3 event notifications can use), TLS only. */
import { Duration } from 'aws-cdk-lib';
import { QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';

export const secureQueueProps: QueueProps = {
  encryption: QueueEncryption.SQS_MANAGED,
  enforceSSL: true,
};

/** Dead-letter queues keep failed messages as long as SQS allows. */
export const deadLetterRetention = Duration.days(14);
