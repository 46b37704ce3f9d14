/**
 * The whole MPA licensing upload service of one stage: storage, the upload pipeline, the
 * ingest API and operations. Environment-agnostic (no account/region lookups), so it
 * synthesizes offline without credentials.
 */
import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { authorizerHandler, digestHandler, fleetSyncHandler, processorHandler, type Route } from '../../functions/routes.js';
import type { StageConfig } from '../config.js';
import type { DataResources } from '../constructs/grants.js';
import { HandlerFunction, type HandlerFunctionContext } from '../constructs/handlerFunction.js';
import { CONSOLE_HANDLER, ConsoleSite } from '../constructs/consoleSite.js';
import { DailyDigest } from '../constructs/dailyDigest.js';
import { FleetIndexSync } from '../constructs/fleetIndexSync.js';
import { IngestApi } from '../constructs/ingestApi.js';
import { LicenseSigning } from '../constructs/licenseSigning.js';
import { Operations } from '../constructs/operations.js';
import type { ServiceFunction } from '../constructs/serviceFunction.js';
import { Storage } from '../constructs/storage.js';
import { UploadPipeline } from '../constructs/uploadPipeline.js';

export interface LicensingStackProps extends StackProps {
  config: StageConfig;
  /** Default: functions/routes.ts. */
  routes?: readonly Route[];
}

export const stackNameFor = (stage: string): string => `MpaLicensing-${stage}`;

export class LicensingStack extends Stack {
  readonly storage: Storage;
  readonly pipeline: UploadPipeline;
  readonly ingestApi: IngestApi;
  readonly processor: HandlerFunction;
  readonly fleetIndexSync: FleetIndexSync;
  readonly dailyDigest: DailyDigest;
  readonly operations: Operations;
  readonly licenseSigning: LicenseSigning;

  constructor(scope: Construct, id: string, props: LicensingStackProps) {
    super(scope, id, props);
    const { config } = props;

    Tags.of(this).add('application', 'mpa-licensing');
    Tags.of(this).add('stage', config.stage);
    Tags.of(this).add('managed-by', 'aws-cdk');

    this.storage = new Storage(this, 'Storage', { config });
    const removalPolicy = this.storage.removalPolicy;

    this.pipeline = new UploadPipeline(this, 'UploadPipeline', {
      config,
      removalPolicy,
      accessLogBucket: this.storage.accessLogBucket,
      dataKey: this.storage.dataKey,
    });

    this.licenseSigning = new LicenseSigning(this, 'LicenseSigning', { stage: config.stage, removalPolicy });

    const data: DataResources = {
      table: this.storage.table,
      rawBucket: this.storage.rawBucket,
      incomingBucket: this.pipeline.incomingBucket,
      dataKey: this.storage.dataKey,
      licenseSigning: this.licenseSigning,
    };
    const functionContext: HandlerFunctionContext = { config, data, removalPolicy };

    this.ingestApi = new IngestApi(this, 'IngestApi', {
      config,
      functionContext,
      ...(props.routes ? { routes: props.routes } : {}),
    });

    // The staff console, on the API's own origin (DESIGN.md §10).
    const consoleSite = new ConsoleSite(this, 'Console', { ingestApi: this.ingestApi, functionContext });

    this.processor = new HandlerFunction(this.pipeline, 'Processor', processorHandler, functionContext);
    this.pipeline.connectProcessor(this.processor.function, config.processorMaxConcurrency);

    this.fleetIndexSync = new FleetIndexSync(this, 'FleetIndexSync', { table: this.storage.table, functionContext });
    this.dailyDigest = new DailyDigest(this, 'DailyDigest', { functionContext, removalPolicy });

    const functions = new Map<string, ServiceFunction>(this.ingestApi.functions);
    functions.set(authorizerHandler, this.ingestApi.authorizerFunction);
    functions.set(processorHandler, this.processor);
    functions.set(fleetSyncHandler, this.fleetIndexSync.handler);
    functions.set(CONSOLE_HANDLER, consoleSite.assets);
    functions.set(digestHandler, this.dailyDigest.handler);

    this.operations = new Operations(this, 'Operations', {
      config,
      removalPolicy,
      api: this.ingestApi.api,
      functions,
      authorizerName: authorizerHandler,
      queue: this.pipeline.queue,
      deadLetterQueue: this.pipeline.deadLetterQueue,
      table: this.storage.table,
      failureQueues: [
        { id: 'FleetSyncFailures', queue: this.fleetIndexSync.failureQueue, description: 'Fleet index sync gave up on stream records (see the sync function log).' },
      ],
    });

    new CfnOutput(this, 'ApiUrl', { value: this.ingestApi.api.url, description: 'Base URL of the API stage' });
    new CfnOutput(this, 'TableName', { value: this.storage.table.tableName, description: 'DynamoDB table (admin create-staff-key --table)' });
    new CfnOutput(this, 'RawBucketName', { value: this.storage.rawBucket.bucketName });
    new CfnOutput(this, 'IncomingBucketName', { value: this.pipeline.incomingBucket.bucketName });
    new CfnOutput(this, 'LicenseSigningKeyArn', { value: this.licenseSigning.key.keyArn, description: 'KMS key that signs license files (Ed25519)' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.operations.alarmTopic.topicArn });
    new CfnOutput(this, 'DigestTopicArn', { value: this.dailyDigest.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: `mpa-licensing-${config.stage}` });
  }
}
