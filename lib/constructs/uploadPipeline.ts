/**
 * Upload-processing pipeline for bodies too large to POST (presigned PUTs from
 * POST /v1/upload-sessions, offline bundles):
 *
 *   incoming bucket --(s3:ObjectCreated:*, prefix incoming/)--> SQS queue --> processor Lambda
 *                                                              \--(5 failed receives)--> DLQ
 *
 * The processor (functions/handlers/processIncoming.ts, an SQS batch handler answering
 * with partial batch failures) is created by the stack and fed the queue with connectProcessor.
 */
import { Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Bucket, EventType, HttpMethods } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageConfig } from '../config.js';
import { abortIncompleteMultipartAfter, secureBucketProps } from '../defaults/s3-defaults.js';
import { deadLetterRetention, secureQueueProps } from '../defaults/sqs-defaults.js';
import { INCOMING_PREFIX } from './grants.js';

/** Messages are tried this often before they move to the DLQ. */
export const MAX_RECEIVE_COUNT = 5;
/** Processor timeout; the queue's visibility timeout is six times it (AWS guidance for event source mappings). */
export const PROCESSOR_TIMEOUT = Duration.seconds(900);

export interface UploadPipelineProps {
  config: StageConfig;
  removalPolicy: RemovalPolicy;
  accessLogBucket: Bucket;
  dataKey?: IKey | undefined;
}

export class UploadPipeline extends Construct {
  readonly incomingBucket: Bucket;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: UploadPipelineProps) {
    super(scope, id);
    const { config } = props;

    this.incomingBucket = new Bucket(this, 'IncomingBucket', {
      ...secureBucketProps({ removalPolicy: props.removalPolicy, encryptionKey: props.dataKey }),
      serverAccessLogsBucket: props.accessLogBucket,
      serverAccessLogsPrefix: 'incoming/',
      lifecycleRules: [
        {
          // Processed objects are deleted by the processor; whatever is left was never processed.
          id: 'expire-unprocessed-uploads',
          prefix: INCOMING_PREFIX,
          expiration: Duration.days(config.incomingExpiryDays),
          abortIncompleteMultipartUploadAfter: abortIncompleteMultipartAfter,
        },
      ],
      ...(config.allowedOrigins.length > 0
        ? {
            cors: [
              {
                allowedMethods: [HttpMethods.PUT],
                allowedOrigins: config.allowedOrigins,
                allowedHeaders: ['Content-Type', 'Content-Encoding', 'Content-Length', 'x-amz-*'],
                exposedHeaders: ['ETag'],
                maxAge: 3600,
              },
            ],
          }
        : {}),
    });

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      ...secureQueueProps,
      retentionPeriod: deadLetterRetention,
    });
    this.queue = new Queue(this, 'IncomingQueue', {
      ...secureQueueProps,
      visibilityTimeout: Duration.seconds(PROCESSOR_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    this.incomingBucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(this.queue), {
      prefix: INCOMING_PREFIX,
    });

    // CDK configures bucket notifications through one stack-wide custom resource function.
    const stack = Stack.of(this);
    for (const child of stack.node.children) {
      if (!child.node.id.startsWith('BucketNotificationsHandler')) continue;
      Validations.of(child).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "CDK's built-in BucketNotificationsHandler (a deployment-time custom resource that only calls " +
          's3:PutBucketNotification on the incoming bucket) uses the AWS managed basic execution role for its own logs; ' +
          'its role is not configurable and it handles no data.',
      });
    }
  }

  /** Feed the queue to the processor: one object per invocation, partial batch failures reported. */
  connectProcessor(processor: IFunction, maxConcurrency: number): void {
    processor.addEventSource(
      new SqsEventSource(this.queue, {
        // An object can be 1 GiB: one per invocation keeps memory and the 15-minute limit in bounds.
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency,
      }),
    );
  }
}
