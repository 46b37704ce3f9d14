/**
 * Fleet index sync: the table's stream (keys only) feeds functions/handlers/syncFleetIndexes.ts
 * whenever an install's latest devices or device-versions snapshot item changes. Event
 * filtering, built from the one rule in functions/domain/fleetSyncTrigger.ts, drops every other
 * item change before Lambda is invoked; one shard is processed
 * in order (parallelization 1) so an install's changes apply in order; failed batches are
 * retried with partial batch failures and finally recorded in an SQS failure queue.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterRetention, secureQueueProps } from '../defaults/sqs-defaults.js';
import { fleetSyncTrigger } from '../../functions/domain/fleetSyncTrigger.js';
import { fleetSyncHandler } from '../../functions/routes.js';
import { table } from '../../functions/store/tableDefinition.js';
import { HandlerFunction, type HandlerFunctionContext } from './handlerFunction.js';

export interface FleetIndexSyncProps {
  table: Table;
  functionContext: HandlerFunctionContext;
}

export class FleetIndexSync extends Construct {
  readonly handler: HandlerFunction;
  /** Stream batches that failed every retry (the message describes the shard range, not the data). */
  readonly failureQueue: Queue;

  constructor(scope: Construct, id: string, props: FleetIndexSyncProps) {
    super(scope, id);
    this.handler = new HandlerFunction(this, 'Handler', fleetSyncHandler, props.functionContext);

    this.failureQueue = new Queue(this, 'FailureQueue', { ...secureQueueProps, retentionPeriod: deadLetterRetention });
    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the on-failure destination of the stream event source mapping (a dead-letter queue in all but ' +
        'name; SQS redrive does not apply to Lambda stream failure records). Its depth alarms.',
    });

    this.handler.function.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(5),
        parallelizationFactor: 1,
        reportBatchItemFailures: true,
        retryAttempts: 10,
        maxRecordAge: Duration.days(1),
        onFailure: new SqsDlq(this.failureQueue),
        filters: [
          FilterCriteria.filter({
            dynamodb: {
              Keys: {
                [table.partitionKey]: { S: FilterRule.beginsWith(fleetSyncTrigger.partitionPrefix) },
                [table.sortKey]: { S: FilterRule.or(...fleetSyncTrigger.sortKeys) },
              },
            },
          }),
        ],
      }),
    );

    Validations.of(this.handler.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords (tracing: ACTIVE) and dynamodb:ListStreams (required by the stream event ' +
        'source mapping, granted by CDK on "*") support no resource-level permissions. Stream reads name the table stream ARN.',
    });
  }
}
