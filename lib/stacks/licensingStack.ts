/**
 * The whole MPA licensing upload service of one stage: storage, the upload pipeline, the
 * ingest API and operations. Environment-agnostic (no account/region lookups), so it
 * synthesizes offline without credentials.
 */
import { existsSync } from 'node:fs';
import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { authorizerHandler, type Route } from '../../functions/routes.js';
import type { StageConfig } from '../config.js';
import type { DataResources } from '../constructs/grants.js';
import { type EntryFor, HandlerFunction, type HandlerFunctionContext } from '../constructs/handlerFunction.js';
import { FLEET_SYNC_HANDLER, FleetIndexSync } from '../constructs/fleetIndexSync.js';
import { IngestApi } from '../constructs/ingestApi.js';
import { Operations } from '../constructs/operations.js';
import type { ServiceFunction } from '../constructs/serviceFunction.js';
import { Storage } from '../constructs/storage.js';
import { PROCESSOR_HANDLER, UploadPipeline } from '../constructs/uploadPipeline.js';
import { defaultEntryFor } from '../paths.js';

export interface LicensingStackProps extends StackProps {
  config: StageConfig;
  /** Where handler modules are (tests point it elsewhere); default functions/handlers/<name>.ts. */
  entryFor?: EntryFor;
  /** Default: functions/routes.ts. */
  routes?: readonly Route[];
}

export const stackNameFor = (stage: string): string => `MpaLicensing-${stage}`;

export class LicensingStack extends Stack {
  readonly storage: Storage;
  readonly pipeline: UploadPipeline;
  readonly ingestApi: IngestApi;
  readonly processor: HandlerFunction | undefined;
  readonly fleetIndexSync: FleetIndexSync | undefined;
  readonly operations: Operations;

  constructor(scope: Construct, id: string, props: LicensingStackProps) {
    super(scope, id, props);
    const { config } = props;
    const entryFor = props.entryFor ?? defaultEntryFor;

    Tags.of(this).add('application', 'mpa-licensing');
    Tags.of(this).add('stage', config.stage);
    Tags.of(this).add('managed-by', 'aws-cdk');

    // Stream consumers arrive with their handler modules: each is wired once its module exists.
    const hasFleetSync = existsSync(entryFor(FLEET_SYNC_HANDLER));
    this.storage = new Storage(this, 'Storage', { config, stream: hasFleetSync });
    const removalPolicy = this.storage.removalPolicy;

    this.pipeline = new UploadPipeline(this, 'UploadPipeline', {
      config,
      removalPolicy,
      accessLogBucket: this.storage.accessLogBucket,
      dataKey: this.storage.dataKey,
    });

    const data: DataResources = {
      table: this.storage.table,
      rawBucket: this.storage.rawBucket,
      incomingBucket: this.pipeline.incomingBucket,
      dataKey: this.storage.dataKey,
    };
    const functionContext: HandlerFunctionContext = { config, data, removalPolicy, entryFor };

    this.ingestApi = new IngestApi(this, 'IngestApi', {
      config,
      functionContext,
      ...(props.routes ? { routes: props.routes } : {}),
    });

    // The processor arrives with the bundles issue: wired as soon as its module exists.
    const processorEntry = entryFor(PROCESSOR_HANDLER);
    if (UploadPipeline.processorExists(processorEntry)) {
      this.processor = new HandlerFunction(this.pipeline, 'Processor', PROCESSOR_HANDLER, functionContext);
      this.pipeline.connectProcessor(this.processor.function, config.processorMaxConcurrency);
    } else {
      this.processor = undefined;
    }

    this.fleetIndexSync = hasFleetSync ? new FleetIndexSync(this, 'FleetIndexSync', { table: this.storage.table, functionContext }) : undefined;

    const functions = new Map<string, ServiceFunction>(this.ingestApi.functions);
    functions.set(authorizerHandler, this.ingestApi.authorizerFunction);
    if (this.processor) functions.set(PROCESSOR_HANDLER, this.processor);
    if (this.fleetIndexSync) functions.set(FLEET_SYNC_HANDLER, this.fleetIndexSync.handler);

    this.operations = new Operations(this, 'Operations', {
      config,
      removalPolicy,
      api: this.ingestApi.api,
      functions,
      authorizerName: authorizerHandler,
      queue: this.pipeline.queue,
      deadLetterQueue: this.pipeline.deadLetterQueue,
      table: this.storage.table,
      failureQueues: this.fleetIndexSync
        ? [{ id: 'FleetSyncFailures', queue: this.fleetIndexSync.failureQueue, description: 'Fleet index sync gave up on stream records (see the sync function log).' }]
        : [],
    });

    new CfnOutput(this, 'ApiUrl', { value: this.ingestApi.api.url, description: 'Base URL of the API stage' });
    new CfnOutput(this, 'TableName', { value: this.storage.table.tableName, description: 'DynamoDB table (admin create-staff-key --table)' });
    new CfnOutput(this, 'RawBucketName', { value: this.storage.rawBucket.bucketName });
    new CfnOutput(this, 'IncomingBucketName', { value: this.pipeline.incomingBucket.bucketName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.operations.alarmTopic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: `mpa-licensing-${config.stage}` });
  }
}
