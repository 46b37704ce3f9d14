/**
 * The deployable template, exactly as `npx cdk synth -c stage=prod` writes it: run once
 * through the CDK CLI, offline and without AWS credentials, with the real esbuild bundles.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { policyAllows } from '../../functions/local/authorizerPolicy.js';
import { sampleUpload } from '../../functions/samples/sampleUploads.js';
import { createUploadSession } from '../../functions/services/uploadSessions.js';
import { incomingKey } from '../../functions/sessions/incomingKeys.js';
import { sqsEventOf } from '../../functions/sessions/s3Events.js';
import { type Clients, createClients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { createInstall } from '../../functions/store/installs.js';
import { getUpload } from '../../functions/store/uploadLog.js';
import { objectCreatedNotification } from '../support/processorHook.js';
import { invokeBundle } from './support/lambdaBundle.js';
import { esmRequireBanner } from '../../lib/defaults/bundleOptions.js';
import { gatewayProblems } from '../../lib/constructs/ingestApi.js';
import { MAX_RECEIVE_COUNT } from '../../lib/constructs/uploadPipeline.js';
import { projectRoot } from '../../lib/paths.js';
import { globalSecondaryIndexes, keySchemaOf, table as tableDefinition, tableIndexes } from '../../functions/store/tableDefinition.js';
import { authorizerHandler, handlerNames, routes } from '../../functions/routes.js';
import {
  actionsOf,
  type CfnResource,
  functionsByHandler,
  idOf,
  ofType,
  referencedIds,
  type Resources,
  resourcePath,
  resourcesOf,
  roleOfFunction,
  roleStatements,
} from './support/template.js';

import { CONSOLE_HANDLER } from '../../lib/constructs/consoleSite.js';

const STACK = 'MpaLicensing-prod';
/** Handlers outside the route table (the upload processor and the fleet index sync). */
const backgroundHandlers = ['processIncoming', 'syncFleetIndexes', 'publishDigest'];
/** Handlers behind API Gateway (synchronous, 29 s integration timeout). */
const apiHandlers = [...handlerNames, authorizerHandler, CONSOLE_HANDLER];
let outdir: string;
let template: Template;
let resources: Resources;
let manifest: any;

beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'mpa-cdk-cli-'));
  // No credentials, no profile, no region: synthesis must not need an AWS account.
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('AWS_') && !k.startsWith('MPA_') && !k.startsWith('CDK_') && k !== 'NODE_OPTIONS') env[k] = v;
  }
  env.CDK_DISABLE_CLI_TELEMETRY = 'true';
  env.AWS_EC2_METADATA_DISABLED = 'true';
  const run = spawnSync('npx', ['cdk', 'synth', '--quiet', '--no-notices', '--ci', '-c', 'stage=prod', '-o', outdir], {
    cwd: projectRoot,
    env,
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (run.status !== 0) throw new Error(`cdk synth failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  const json = JSON.parse(readFileSync(path.join(outdir, `${STACK}.template.json`), 'utf8'));
  resources = json.Resources;
  template = Template.fromJSON(json);
  manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
}, 300_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const fnsByHandler = () => functionsByHandler(resources);
const fn = (handler: string): [string, CfnResource] => {
  const found = fnsByHandler().get(handler);
  if (!found) throw new Error(`no function for ${handler}`);
  return found;
};
const statementsOf = (handler: string) => roleStatements(resources, roleOfFunction(fn(handler)[1]));
const actionsOfHandler = (handler: string) => statementsOf(handler).flatMap(actionsOf);
const tableId = () => idOf(resources, 'AWS::DynamoDB::Table', 'StorageTable');
const rawBucketId = () => idOf(resources, 'AWS::S3::Bucket', 'StorageRawBucket');
const incomingBucketId = () => idOf(resources, 'AWS::S3::Bucket', 'UploadPipelineIncomingBucket');
const logBucketId = () => idOf(resources, 'AWS::S3::Bucket', 'StorageAccessLogBucket');

describe('synthesis', () => {
  test('is environment-agnostic: no account, region or lookups needed', () => {
    expect(manifest.artifacts[STACK].environment).toBe('aws://unknown-account/unknown-region');
    // Context lookups would show up as "missing" context that a synth has to fetch from AWS.
    expect(manifest.missing).toBeUndefined();
  });

  test('cdk-nag ran with the CLI synth and found nothing unacknowledged', () => {
    const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.flatMap((r: any) => r.violations ?? [])).toEqual([]);
  });
});

describe('Lambda functions', () => {
  test('one function per distinct handler of the route table, plus the authorizer (and background handlers that exist)', () => {
    const names = [...fnsByHandler().keys()].sort();
    expect(names).toEqual([...apiHandlers, ...backgroundHandlers].sort());
  });

  test('Node.js 24 on arm64, active tracing, JSON logs into their own log group', () => {
    for (const [handler, [, f]] of fnsByHandler()) {
      expect({ handler, runtime: f.Properties.Runtime, arch: f.Properties.Architectures }).toEqual({ handler, runtime: 'nodejs24.x', arch: ['arm64'] });
      expect(f.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(f.Properties.LoggingConfig.LogFormat).toBe('JSON');
      const [logGroupId] = [...referencedIds(f.Properties.LoggingConfig.LogGroup)];
      expect(resources[logGroupId!]?.Type).toBe('AWS::Logs::LogGroup');
      expect(resources[logGroupId!]?.Properties.RetentionInDays).toBe(365);
    }
    const logGroups = new Set([...fnsByHandler().values()].map(([, f]) => JSON.stringify(f.Properties.LoggingConfig.LogGroup)));
    expect(logGroups.size).toBe(fnsByHandler().size);
  });

  test('sizes and timeouts: the upload handler gets a full vCPU, reserved concurrency, and answers before API Gateway gives up', () => {
    const [, upload] = fn('postUpload');
    expect(upload.Properties).toMatchObject({ MemorySize: 1769, Timeout: 28, ReservedConcurrentExecutions: 20 });
    for (const handler of apiHandlers) {
      const [, f] = fn(handler);
      expect({ handler, timeoutOk: f.Properties.Timeout <= 28 }).toEqual({ handler, timeoutOk: true });
      if (!['postUpload', 'postBundle'].includes(handler)) {
        expect({ handler, memory: f.Properties.MemorySize >= 256 && f.Properties.MemorySize <= 512 }).toEqual({ handler, memory: true });
        expect(f.Properties.ReservedConcurrentExecutions).toBeUndefined();
      }
    }
  });

  test('environment: table, buckets, Powertools, early timeout; never a secret', () => {
    for (const [, [, f]] of fnsByHandler()) {
      const vars = f.Properties.Environment.Variables;
      expect(vars).toMatchObject({
        TABLE_NAME: { Ref: tableId() },
        RAW_BUCKET: { Ref: rawBucketId() },
        INCOMING_BUCKET: { Ref: incomingBucketId() },
        POWERTOOLS_SERVICE_NAME: 'mpa-licensing',
        POWERTOOLS_METRICS_NAMESPACE: 'MpaLicensing',
        POWERTOOLS_LOGGER_LOG_EVENT: 'false',
        LOG_LEVEL: 'INFO',
        TIMEOUT_EARLY_MS: '500',
        NODE_OPTIONS: '--enable-source-maps',
      });
      expect(vars.STAFF_API_KEY).toBeUndefined();
    }
  });

  test('bundles: minified ESM with the createRequire banner, source maps, AWS SDK bundled', () => {
    for (const [handler, [, f]] of fnsByHandler()) {
      const key = String(f.Properties.Code.S3Key);
      const dir = path.join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
      const file = path.join(dir, 'index.mjs');
      expect({ handler, bundled: existsSync(file), map: existsSync(`${file}.map`) }).toEqual({ handler, bundled: true, map: true });
      const code = readFileSync(file, 'utf8');
      expect(code.startsWith(esmRequireBanner)).toBe(true);
      // Only Node built-ins stay external: no import of the SDK from the runtime.
      expect(code).not.toMatch(/from\s*"@aws-sdk\//);
      // (The SDK's own error text quotes `[require("@aws-sdk/signature-v4-crt");]`.)
      expect(code).not.toMatch(/(?<!\[)require\("@aws-sdk\//);
      // Minified: long lines (only template literals keep their line breaks), or, for the
      // smallest bundles (GET /health), a few lines.
      const lines = code.split('\n').length;
      expect({ handler, minified: lines <= 5 || code.length / lines > 1000 }).toEqual({ handler, minified: true });
    }
  });

  test('functions that parse no request body or query bundle no zod: their cold start builds no schema', () => {
    const bundles = fnsByHandler();
    // The static answers, the authorizer (in front of every request) and the install's reads:
    // none of them validates a body, so none may pull zod in through a shared module.
    for (const handler of ['health', 'getOpenApi', 'authorizer', 'getUpload', 'getOwnLicenseFile']) {
      const [, f] = bundles.get(handler)!;
      const code = readFileSync(path.join(outdir, `asset.${String(f.Properties.Code.S3Key).replace(/\.zip$/, '')}`, 'index.mjs'), 'utf8');
      // zod's schemas carry their internals under `_zod`, a name minification keeps.
      expect({ handler, zod: code.includes('_zod') }).toEqual({ handler, zod: false });
    }
  });
});

describe('DynamoDB', () => {
  test('built from tableDefinition: keys, GSIs with ALL projection, TTL', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: keySchemaOf(tableDefinition),
      TimeToLiveSpecification: { AttributeName: tableDefinition.timeToLiveAttribute, Enabled: true },
      GlobalSecondaryIndexes: globalSecondaryIndexes(),
    });
    const attributes = resources[tableId()]!.Properties.AttributeDefinitions as { AttributeName: string; AttributeType: string }[];
    expect(attributes.every((a) => a.AttributeType === 'S')).toBe(true);
  });

  test('on-demand, PITR, encrypted, deletion protection, retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('S3', () => {
  test('every bucket: encrypted, all public access blocked, ACLs disabled, TLS-only policy', () => {
    for (const [id, bucket] of ofType(resources, 'AWS::S3::Bucket')) {
      expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.OwnershipControls.Rules[0].ObjectOwnership).toBe('BucketOwnerEnforced');
      const policies = ofType(resources, 'AWS::S3::BucketPolicy').filter(([, p]) => referencedIds(p.Properties.Bucket).has(id));
      const statements = policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
      expect(statements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          expect.objectContaining({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      );
      expect(bucket.DeletionPolicy).toBe('Retain');
    }
  });

  test('raw bucket: versioned, access logs, lifecycle to colder tiers and noncurrent expiry', () => {
    const raw = resources[rawBucketId()]!.Properties;
    expect(raw.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(raw.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logBucketId() }, LogFilePrefix: 'raw/' });
    expect(raw.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Status: 'Enabled',
          Transitions: [
            { StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 30 },
            { StorageClass: 'GLACIER_IR', TransitionInDays: 180 },
          ],
        }),
        expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
      ]),
    );
  });

  test('incoming bucket: access logs, unprocessed incoming/ objects expire, multipart uploads abort', () => {
    const incoming = resources[incomingBucketId()]!.Properties;
    expect(incoming.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logBucketId() }, LogFilePrefix: 'incoming/' });
    expect(incoming.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({
        Prefix: 'incoming/',
        ExpirationInDays: 2,
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        Status: 'Enabled',
      }),
    ]);
    // No CORS unless origins are configured.
    expect(incoming.CorsConfiguration).toBeUndefined();
  });

  test('access-log bucket: S3 log delivery may write, logs expire', () => {
    const logs = resources[logBucketId()]!.Properties;
    expect(logs.LifecycleConfiguration.Rules).toEqual(expect.arrayContaining([expect.objectContaining({ ExpirationInDays: 365 })]));
    const policy = ofType(resources, 'AWS::S3::BucketPolicy').find(([, p]) => referencedIds(p.Properties.Bucket).has(logBucketId()));
    expect(JSON.stringify(policy)).toContain('logging.s3.amazonaws.com');
  });
});

describe('upload pipeline', () => {
  const queueId = () => idOf(resources, 'AWS::SQS::Queue', 'UploadPipelineIncomingQueue');
  const dlqId = () => idOf(resources, 'AWS::SQS::Queue', 'UploadPipelineDeadLetterQueue');

  test('incoming/ ObjectCreated notifications go to the queue', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: incomingBucketId() },
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }] } },
            QueueArn: { 'Fn::GetAtt': [queueId(), 'Arn'] },
          },
        ],
      },
    });
  });

  test('queue: encrypted, DLQ after five receives, visibility six processor timeouts; DLQ keeps 14 days', () => {
    expect(resources[queueId()]!.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 5400,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId(), 'Arn'] }, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    expect(MAX_RECEIVE_COUNT).toBe(5);
    expect(resources[dlqId()]!.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    for (const id of [queueId(), dlqId()]) {
      const policy = ofType(resources, 'AWS::SQS::QueuePolicy').find(([, p]) => referencedIds(p.Properties.Queues).has(id));
      expect(policy?.[1].Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      );
    }
  });

  test('S3 may send to the queue only from the incoming bucket', () => {
    const policy = ofType(resources, 'AWS::SQS::QueuePolicy').find(([, p]) => referencedIds(p.Properties.Queues).has(queueId()));
    expect(policy?.[1].Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [incomingBucketId(), 'Arn'] } } },
        }),
      ]),
    );
  });

  test('the processor consumes the queue with partial batch failures', () => {
    const mappings = ofType(resources, 'AWS::Lambda::EventSourceMapping').filter(([, m]) => referencedIds(m.Properties.EventSourceArn).has(queueId()));
    expect(mappings).toHaveLength(1);
    expect(mappings[0]![1].Properties).toMatchObject({ FunctionName: { Ref: fn('processIncoming')[0] }, BatchSize: 1, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    expect(fn('processIncoming')[1].Properties.Timeout).toBe(900);
  });
});

describe('fleet index sync (DynamoDB stream)', () => {
  test('keys-only stream, filtered, ordered, partial failures, failure queue', () => {
    const table = resources[tableId()]!.Properties;
    expect(table.StreamSpecification).toEqual({ StreamViewType: 'KEYS_ONLY' });
    const [fnId] = fn('syncFleetIndexes');
    const [[, mapping]] = ofType(resources, 'AWS::Lambda::EventSourceMapping').filter(([, m]) => m.Properties.FunctionName?.Ref === fnId) as [[string, CfnResource]];
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [tableId(), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      ParallelizationFactor: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
    });
    const pattern = JSON.parse(mapping.Properties.FilterCriteria.Filters[0].Pattern);
    expect(pattern).toEqual({ dynamodb: { Keys: { PK: { S: [{ prefix: 'INSTALL#' }] }, SK: { S: ['LATEST#devices', 'LATEST#device-versions'] } } } });
    const failureQueue = idOf(resources, 'AWS::SQS::Queue', 'FleetIndexSyncFailureQueue');
    expect(referencedIds(mapping.Properties.DestinationConfig).has(failureQueue)).toBe(true);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [failureQueue, 'QueueName'] } }],
    });
  });
});

describe('API Gateway', () => {
  const apiId = () => idOf(resources, 'AWS::ApiGateway::RestApi', 'IngestApi');

  test('REST API, regional, every media type binary so gzip and zip bodies arrive intact', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      BinaryMediaTypes: ['*/*'],
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    expect(resources[apiId()]!.Properties.MinimumCompressionSize).toBeUndefined();
  });

  test('methods exactly as the route table: handler, authorizer unless public', () => {
    const authorizerId = idOf(resources, 'AWS::ApiGateway::Authorizer', 'IngestApiKeyAuthorizer');
    const fnIdToHandler = new Map([...fnsByHandler()].map(([h, [id]]) => [id, h]));
    const methods = ofType(resources, 'AWS::ApiGateway::Method')
      .filter(([, m]) => m.Properties.HttpMethod !== 'OPTIONS')
      .map(([, m]) => {
        const integrationFns = [...referencedIds(m.Properties.Integration.Uri)].filter((id) => fnIdToHandler.has(id));
        return {
          method: m.Properties.HttpMethod,
          path: resourcePath(resources, m.Properties.ResourceId),
          handler: fnIdToHandler.get(integrationFns[0]!),
          type: m.Properties.Integration.Type,
          auth: m.Properties.AuthorizationType,
          authorizer: m.Properties.AuthorizerId ? [...referencedIds(m.Properties.AuthorizerId)][0] : undefined,
        };
      });
    const expected: { method: string; path: string; handler: string; type: string; auth: string; authorizer: string | undefined }[] = routes.map((r) => ({
      method: r.method,
      path: r.path,
      handler: r.handler,
      type: 'AWS_PROXY',
      auth: r.roles.length > 0 ? 'CUSTOM' : 'NONE',
      authorizer: r.roles.length > 0 ? authorizerId : undefined,
    }));
    // The staff console's static files, public (lib/constructs/consoleSite.ts).
    for (const path of ['/console', '/console/{file}']) expected.push({ method: 'GET', path, handler: CONSOLE_HANDLER, type: 'AWS_PROXY', auth: 'NONE', authorizer: undefined });
    const key = (m: { method: string; path: string }) => `${m.path} ${m.method}`;
    expect([...methods].sort((a, b) => key(a).localeCompare(key(b)))).toEqual([...expected].sort((a, b) => key(a).localeCompare(key(b))));
  });

  test('REQUEST authorizer keyed and cached on the Authorization header', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 60,
      AuthorizerUri: Match.anyValue(),
    });
  });

  test('request validation of parameters on every method', () => {
    const validatorId = idOf(resources, 'AWS::ApiGateway::RequestValidator', 'IngestApiParameterValidator');
    expect(resources[validatorId]!.Properties).toMatchObject({ ValidateRequestParameters: true });
    for (const [, m] of ofType(resources, 'AWS::ApiGateway::Method').filter(([, m]) => m.Properties.HttpMethod !== 'OPTIONS')) {
      expect(referencedIds(m.Properties.RequestValidatorId).has(validatorId)).toBe(true);
    }
  });

  test('stage: JSON access logs, error-level execution logs without bodies, X-Ray, throttling per stage and method', () => {
    const [[, stage]] = ofType(resources, 'AWS::ApiGateway::Stage') as [[string, CfnResource]];
    expect(stage.Properties.StageName).toBe('prod');
    expect(stage.Properties.TracingEnabled).toBe(true);
    const [logGroupId] = [...referencedIds(stage.Properties.AccessLogSetting.DestinationArn)].filter((id) => resources[id]);
    expect(resources[logGroupId!]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 365 } });
    const format = JSON.parse(stage.Properties.AccessLogSetting.Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', installId: '$context.authorizer.installId' });
    expect(JSON.stringify(format)).not.toMatch(/Authorization|\$input/i);

    const settings = stage.Properties.MethodSettings as Record<string, unknown>[];
    expect(settings).toContainEqual(
      expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'ERROR', DataTraceEnabled: false, MetricsEnabled: true, ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 }),
    );
    expect(settings).toContainEqual(
      expect.objectContaining({ HttpMethod: 'POST', ResourcePath: '/~1v1~1uploads~1{queryTypeOrUploadId}', ThrottlingRateLimit: 20, ThrottlingBurstLimit: 20, LoggingLevel: 'ERROR' }),
    );
    expect(settings).toContainEqual(expect.objectContaining({ HttpMethod: 'POST', ResourcePath: '/~1v1~1installs', ThrottlingRateLimit: 20 }));
    for (const s of settings) expect(s).toMatchObject({ LoggingLevel: 'ERROR', DataTraceEnabled: false });
  });

  test('gateway errors are RFC 9457 problem documents with the contract codes', () => {
    const byType = new Map(ofType(resources, 'AWS::ApiGateway::GatewayResponse').map(([, r]) => [r.Properties.ResponseType, r.Properties]));
    const expected: Record<string, [string, string]> = {
      UNAUTHORIZED: ['401', 'unauthorized'],
      ACCESS_DENIED: ['403', 'forbidden'],
      THROTTLED: ['429', 'throttled'],
      DEFAULT_4XX: ['400', 'validation_failed'],
      DEFAULT_5XX: ['500', 'internal'],
      REQUEST_TOO_LARGE: ['413', 'payload_too_large'],
    };
    for (const [type, [status, code]] of Object.entries(expected)) {
      const response = byType.get(type);
      expect(response).toBeDefined();
      expect(response.StatusCode).toBe(status);
      expect(response.ResponseParameters['gatewayresponse.header.Content-Type']).toBe("'application/problem+json'");
      const body = JSON.parse(response.ResponseTemplates['application/json']);
      expect(body).toEqual({ type: expect.stringContaining(code.replaceAll('_', '-')), title: expect.any(String), status: Number(status), detail: expect.any(String), code });
    }
    expect(byType.get('UNAUTHORIZED').ResponseParameters['gatewayresponse.header.WWW-Authenticate']).toBe("'Bearer'");
    expect(byType.size).toBe(gatewayProblems.length);
  });

  test("every gateway response's problem states the status it is answered with (INTEGRATION_TIMEOUT: 504)", () => {
    const responses = ofType(resources, 'AWS::ApiGateway::GatewayResponse').map(([, r]) => r.Properties);
    const stated = responses.map((r) => [r.ResponseType, r.StatusCode, String(JSON.parse(r.ResponseTemplates['application/json']).status)]);
    expect(stated).toEqual(responses.map((r) => [r.ResponseType, r.StatusCode, r.StatusCode]));
    expect(stated).toContainEqual(['INTEGRATION_TIMEOUT', '504', '504']);
  });

  test("WAF's 429 is the one answer not typed application/problem+json, and the docs say so", () => {
    const [[, acl]] = ofType(resources, 'AWS::WAFv2::WebACL') as [[string, CfnResource]];
    const bodies = Object.values(acl.Properties.CustomResponseBodies) as { ContentType: string; Content: string }[];
    expect(bodies.map((b) => [b.ContentType, JSON.parse(b.Content).status])).toEqual([['APPLICATION_JSON', 429]]);
    expect(readFileSync(path.join(projectRoot, 'docs/deploy.md'), 'utf8')).toMatch(/The one exception\*\* is WAF's\s+`429`/);
  });

  test("the stage's execution log group is the stack's, with the stage's retention, created before the stage", () => {
    const groups = ofType(resources, 'AWS::Logs::LogGroup').filter(([, g]) => JSON.stringify(g.Properties.LogGroupName ?? '').includes('API-Gateway-Execution-Logs_'));
    expect(groups).toHaveLength(1);
    const [[groupId, group]] = groups as [[string, CfnResource]];
    expect(group.Properties.RetentionInDays).toBe(365);
    const [[apiId]] = ofType(resources, 'AWS::ApiGateway::RestApi') as [[string, CfnResource]];
    expect(group.Properties.LogGroupName).toEqual({ 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: apiId }, '/prod']] });
    const [[, stage]] = ofType(resources, 'AWS::ApiGateway::Stage') as [[string, CfnResource]];
    expect(stage.DependsOn).toContain(groupId);
  });

  test("each route's burst stays within what its function can run (a Lambda throttle would answer 500)", () => {
    const [[, stage]] = ofType(resources, 'AWS::ApiGateway::Stage') as [[string, CfnResource]];
    const settings = stage.Properties.MethodSettings as { HttpMethod: string; ResourcePath: string; ThrottlingBurstLimit?: number }[];
    const stageWide = settings.find((s) => s.ResourcePath === '/*')!.ThrottlingBurstLimit!;
    let reservedRoutes = 0;
    for (const route of routes) {
      const reserved = fn(route.handler)[1].Properties.ReservedConcurrentExecutions as number | undefined;
      if (reserved === undefined) continue;
      reservedRoutes++;
      const setting = settings.find((s) => s.HttpMethod === route.method && s.ResourcePath === `/${route.path.replaceAll('/', '~1')}`);
      const burst = setting?.ThrottlingBurstLimit ?? stageWide;
      expect({ route: `${route.method} ${route.path}`, burst: Math.min(burst, reserved) }).toEqual({ route: `${route.method} ${route.path}`, burst });
    }
    expect(reservedRoutes).toBeGreaterThan(0);
  });

  test("the account quota in docs/deploy.md covers the stack's reserved concurrency plus AWS's unreserved 100", () => {
    const reserved = ofType(resources, 'AWS::Lambda::Function').reduce((sum, [, f]) => sum + ((f.Properties.ReservedConcurrentExecutions as number | undefined) ?? 0), 0);
    expect(reserved).toBe(40);
    expect(readFileSync(path.join(projectRoot, 'docs/deploy.md'), 'utf8')).toContain(`**≥ ${100 + reserved}**`);
  });

  test('WAF web ACL (per-IP rate limit, managed rules) on the stage', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: Match.arrayWith([Match.objectLike({ Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'IP' }) } })]),
    });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });

  test('no CORS preflight methods unless origins are configured', () => {
    expect(ofType(resources, 'AWS::ApiGateway::Method').filter(([, m]) => m.Properties.HttpMethod === 'OPTIONS')).toHaveLength(0);
  });
});

describe('least privilege', () => {
  const writeActions = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

  test('no IAM statement in the stack allows "*" or a service wildcard such as s3:* or dynamodb:*', () => {
    for (const [id, policy] of ofType(resources, 'AWS::IAM::Policy')) {
      for (const s of policy.Properties.PolicyDocument.Statement) {
        for (const action of actionsOf(s)) expect({ id, action, wildcard: action === '*' || action.endsWith(':*') }).toEqual({ id, action, wildcard: false });
      }
    }
  });

  test('a "*" resource is only ever X-Ray (which has no resource-level permissions)', () => {
    for (const [handler] of fnsByHandler()) {
      for (const s of statementsOf(handler)) {
        if (!resourcesOf(s).includes('*')) continue;
        const allowed = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments', ...(handler === 'syncFleetIndexes' ? ['dynamodb:ListStreams'] : [])];
        expect({ handler, extra: actionsOf(s).filter((a) => !allowed.includes(a)) }).toEqual({ handler, extra: [] });
      }
    }
  });

  test('DynamoDB actions name only the one table and its named indexes', () => {
    const table = tableId();
    for (const [handler] of fnsByHandler()) {
      for (const s of statementsOf(handler).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')) && !resourcesOf(s).includes('*'))) {
        expect(actionsOf(s).every((a) => a.startsWith('dynamodb:'))).toBe(true);
        for (const r of resourcesOf(s)) {
          expect([...referencedIds(r)]).toEqual([table]);
          const text = JSON.stringify(r);
          const suffix = /"(\/index\/[^"]*)"/.exec(text)?.[1];
          if (suffix) expect(tableIndexes.map((i) => `/index/${i.indexName}`)).toContain(suffix);
          expect(text).not.toContain('*');
        }
      }
    }
  });

  test('S3 actions name exactly one bucket each: raw objects, or incoming/ objects', () => {
    const raw = rawBucketId();
    const incoming = incomingBucketId();
    for (const [handler] of fnsByHandler()) {
      for (const s of statementsOf(handler).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')))) {
        for (const r of resourcesOf(s)) {
          const ids = [...referencedIds(r)];
          expect(ids.length).toBe(1);
          expect([raw, incoming]).toContain(ids[0]);
          if (ids[0] === incoming && JSON.stringify(r).includes('/')) expect(JSON.stringify(r)).toContain('/incoming/*');
        }
      }
    }
  });

  test('no function may change or delete an audit item, but the install purge (which keeps them) and the bundle upload (its own entry, never a delete)', () => {
    for (const [handler] of fnsByHandler()) {
      const writes = statementsOf(handler).some((s) => actionsOf(s).includes('dynamodb:DeleteItem'));
      if (!writes) continue;
      const deny = roleStatements(resources, roleOfFunction(fn(handler)[1]), 'Deny').find((s) => (s as { Sid?: string }).Sid === 'AuditAppendOnly');
      if (handler === 'deleteInstall') {
        expect(deny).toBeUndefined();
        continue;
      }
      // A staff bundle's one entry grows with each accepted file's transaction (functions/store/audit.ts bundleAuditItems).
      const denied = handler === 'postBundle' ? ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem'] : ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem'];
      expect({ handler, deny: deny ? actionsOf(deny).sort() : null }).toEqual({ handler, deny: denied });
      expect(deny!.Condition).toEqual({ 'ForAnyValue:StringEquals': { 'dynamodb:LeadingKeys': ['AUDIT'] } });
    }
  });

  test('the authorizer may only GetItem on the table', () => {
    const data = actionsOfHandler(authorizerHandler).filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'));
    expect(data).toEqual(['dynamodb:GetItem']);
    const statement = statementsOf(authorizerHandler).find((s) => actionsOf(s).includes('dynamodb:GetItem'))!;
    expect(resourcesOf(statement)).toEqual([{ 'Fn::GetAtt': [tableId(), 'Arn'] }]);
  });

  test('public routes (health, OpenAPI document) touch no data', () => {
    const publicHandlers = routes.filter((r) => r.roles.length === 0).map((r) => r.handler);
    expect(publicHandlers).toContain('health');
    // Except the JWKS: it reads the published public keys from the table (and nothing else).
    for (const handler of publicHandlers.filter((h) => h !== 'getJwks')) {
      expect({ handler, data: actionsOfHandler(handler).filter((a) => a.startsWith('dynamodb:') || a.startsWith('s3:') || a.startsWith('kms:')) }).toEqual({ handler, data: [] });
    }
    expect(actionsOfHandler('getJwks').filter((a) => a.startsWith('dynamodb:') || a.startsWith('s3:') || a.startsWith('kms:')).sort()).toEqual(
      ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:Query'],
    );
  });

  test('GET handlers only read the table', () => {
    const readers = [...new Set(routes.filter((r) => r.method === 'GET' && r.roles.length > 0).map((r) => r.handler))];
    expect(readers).toEqual(expect.arrayContaining(['getUpload', 'getInstall', 'listInstallUploads']));
    for (const handler of readers) {
      const actions = actionsOfHandler(handler);
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
      expect(actions.filter((a) => writeActions.includes(a) || a.startsWith('s3:'))).toEqual([]);
    }
  });

  test('postUpload: table read/write, raw put/delete (its own version too), nothing on the incoming bucket', () => {
    const actions = actionsOfHandler('postUpload');
    // DeleteObjectVersion: an upload refused after its archive was written removes the version it made.
    expect(actions).toEqual(expect.arrayContaining([...writeActions, 'dynamodb:GetItem', 'dynamodb:Query', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion']));
    expect(actions).not.toContain('s3:GetObject');
    expect(actions).not.toContain('s3:ListBucketVersions');
    const s3Resources = statementsOf('postUpload').filter((s) => actionsOf(s).some((a) => a.startsWith('s3:'))).flatMap(resourcesOf);
    expect(s3Resources.every((r) => referencedIds(r).has(rawBucketId()))).toBe(true);
  });

  test('putUsageCollection: may list and purge every version of raw objects, not write them', () => {
    const actions = actionsOfHandler('putUsageCollection');
    expect(actions).toEqual(
      expect.arrayContaining(['s3:ListBucket', 's3:ListBucketVersions', 's3:GetBucketVersioning', 's3:DeleteObject', 's3:DeleteObjectVersion', ...writeActions]),
    );
    expect(actions).not.toContain('s3:PutObject');
  });

  test('staff write handlers write the table and touch no bucket', () => {
    for (const handler of ['postInstall', 'postInstallKey']) {
      const actions = actionsOfHandler(handler);
      expect(actions).toEqual(expect.arrayContaining(writeActions));
      expect(actions.filter((a) => a.startsWith('s3:'))).toEqual([]);
    }
  });

  test('function roles use no AWS managed policies and write only their own log group', () => {
    for (const [handler, [, f]] of fnsByHandler()) {
      const roleId = roleOfFunction(f);
      expect({ handler, managed: resources[roleId]!.Properties.ManagedPolicyArns }).toEqual({ handler, managed: undefined });
      const logs = statementsOf(handler).filter((s) => actionsOf(s).some((a) => a.startsWith('logs:')));
      expect(logs.flatMap(resourcesOf)).toEqual([{ 'Fn::GetAtt': [[...referencedIds(f.Properties.LoggingConfig.LogGroup)][0], 'Arn'] }]);
    }
  });
});

describe('operations', () => {
  const topicId = () => idOf(resources, 'AWS::SNS::Topic', 'OperationsAlarmTopic');
  const alarms = () => ofType(resources, 'AWS::CloudWatch::Alarm');

  test('alarm topic is KMS-encrypted with a rotating key CloudWatch may use, TLS only', () => {
    const topic = resources[topicId()]!.Properties;
    const [keyId] = [...referencedIds(topic.KmsMasterKeyId)];
    expect(resources[keyId!]).toMatchObject({ Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } });
    expect(JSON.stringify(resources[keyId!]!.Properties.KeyPolicy)).toContain('cloudwatch.amazonaws.com');
    const policy = ofType(resources, 'AWS::SNS::TopicPolicy').find(([, p]) => referencedIds(p.Properties.Topics).has(topicId()));
    expect(JSON.stringify(policy)).toContain('aws:SecureTransport');
  });

  test('every alarm notifies the topic on alarm and on recovery', () => {
    expect(alarms().length).toBeGreaterThan(0);
    for (const [, alarm] of alarms()) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId() }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId() }]);
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
    }
  });

  test('API 5xx rate alarm', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5XXError',
      Statistic: 'Average',
      Threshold: 0.05,
      Dimensions: Match.arrayWith([Match.objectLike({ Name: 'Stage' })]),
    });
  });

  test('CloudWatch may publish to the alarm topic, for this account\'s alarms of this stack only', () => {
    const [[, policy]] = ofType(resources, 'AWS::SNS::TopicPolicy').filter(([, p]) => referencedIds(p.Properties.Topics).has(topicId())) as [[string, CfnResource]];
    const statements = policy.Properties.PolicyDocument.Statement as Record<string, any>[];
    const allow = statements.filter((s) => s.Effect === 'Allow');
    expect(allow).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: topicId() },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:alarm:${STACK}-*`]] } },
        },
      }),
    ]);
    // Every alarm's name matches that condition.
    for (const [, alarm] of alarms()) expect(alarm.Properties.AlarmName).toMatch(new RegExp(`^${STACK}-`));
    // The Deny of enforceSSL is still there.
    expect(statements.filter((s) => s.Effect === 'Deny')).toEqual([expect.objectContaining({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]);
  });

  test('authorizer errors, Lambda errors and throttles for every function', () => {
    const byFunction = (metric: string) =>
      new Set(
        alarms()
          .filter(([, a]) => a.Properties.Namespace === 'AWS/Lambda' && a.Properties.MetricName === metric)
          .map(([, a]) => [...referencedIds(a.Properties.Dimensions)][0]),
      );
    const fnIds = [...fnsByHandler().values()].map(([id]) => id);
    expect([...byFunction('Throttles')].sort()).toEqual([...fnIds].sort());
    // Not the authorizer's: it throws Unauthorized for every wrong key, which Lambda counts as an error.
    expect([...byFunction('Errors')].sort()).toEqual(fnIds.filter((id) => id !== fn(authorizerHandler)[0]).sort());
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: Match.stringLikeRegexp('AuthorizerFailures'),
      Namespace: 'MpaLicensing',
      MetricName: 'AuthorizerFailures',
      Dimensions: [{ Name: 'service', Value: 'mpa-licensing' }],
      Statistic: 'Sum',
      Threshold: 1,
    });
  });

  test('dead-letter queue depth > 0 alarms', () => {
    const dlq = idOf(resources, 'AWS::SQS::Queue', 'UploadPipelineDeadLetterQueue');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
    });
  });

  test('dashboard with API, upload (EMF) and pipeline widgets', () => {
    const [[, dashboard]] = ofType(resources, 'AWS::CloudWatch::Dashboard') as [[string, CfnResource]];
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const text of ['MpaLicensing', 'Uploads', 'UploadRecords', '5XXError', 'ApproximateNumberOfMessagesVisible', 'Alarms']) {
      expect(body).toContain(text);
    }
  });
});

describe('daily digest', () => {
  test('an EventBridge schedule invokes the digest function, which publishes to an encrypted topic', () => {
    const rules = ofType(resources, 'AWS::Events::Rule').filter(([, rule]) => JSON.stringify(rule.Properties.Targets).includes(fn('publishDigest')[0]));
    expect(rules).toHaveLength(1);
    expect(rules[0]![1].Properties.ScheduleExpression).toBe('cron(0 6 * * ? *)');
    const invokeConfigs = ofType(resources, 'AWS::Lambda::EventInvokeConfig');
    const config = invokeConfigs.find(([, c]) => JSON.stringify(c.Properties.FunctionName).includes(fn('publishDigest')[0]));
    // No destination: the function publishes the e-mail itself (not Lambda's invocation record).
    expect(config?.[1].Properties.DestinationConfig).toBeUndefined();
    const topicRef = JSON.stringify(fn('publishDigest')[1].Properties.Environment.Variables.TOPIC_ARN);
    const topics = ofType(resources, 'AWS::SNS::Topic').filter(([id]) => topicRef.includes(id));
    expect(topics).toHaveLength(1);
    expect(topics[0]![1].Properties.KmsMasterKeyId).toBeDefined();
    expect(actionsOfHandler('publishDigest')).toContain('sns:Publish');
  });
});

describe('tags', () => {
  test('stateful resources carry application and stage tags', () => {
    for (const type of ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::SQS::Queue', 'AWS::Lambda::Function']) {
      for (const [, r] of ofType(resources, type)) {
        expect(r.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'application', Value: 'mpa-licensing' }, { Key: 'stage', Value: 'prod' }]));
      }
    }
  });
});

/**
 * The deployed artefact itself, exercised: the bundles `cdk synth` built for the authorizer, the
 * upload handler and the processor, each run as Lambda runs it (fresh process, the template's
 * environment, the handler export) against the emulators. Found: the authorizer's policy named
 * only the first request's method; the bundle returned exactly that policy, and no test ran it.
 */
describe('the synthesized bundles, run as Lambda runs them', () => {
  let c: Clients;
  let installId: string;
  let apiKey: string;
  beforeAll(async () => {
    c = createClients(storageConfig());
    const created = await createInstall(c, { customerId: 'bundle-run', name: 'Bundle run' }, new Date());
    installId = created.install.installId;
    apiKey = created.apiKey;
  });
  afterAll(() => destroyClients(c));

  const methodArn = (method: string, resourcePath: string) => `arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/${method}${resourcePath}`;
  const authorizerEvent = (authorization: string) => ({
    type: 'REQUEST',
    methodArn: methodArn('POST', '/v1/upload-sessions'),
    resource: '/v1/upload-sessions',
    path: '/v1/upload-sessions',
    httpMethod: 'POST',
    headers: { Authorization: authorization },
    requestContext: { stage: 'prod', requestId: 'r-1' },
  });
  const emf = (lines: string[]) => lines.filter((l) => l.startsWith('{') && l.includes('"_aws"')).map((l) => JSON.parse(l));

  test('the authorizer: a policy for the whole stage (every method the cached answer will serve), the caller in the context', async () => {
    const run = await invokeBundle(outdir, fn(authorizerHandler)[1], authorizerEvent(`Bearer ${apiKey}`));
    expect(run.error).toBeUndefined();
    const answer = run.result as APIGatewayAuthorizerResult;
    expect(answer.policyDocument.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/*' }]);
    for (const [method, resourcePath] of [['GET', `/v1/uploads/${installId}`], ['PUT', '/v1/usage-collection'], ['POST', '/v1/bundles']] as const) {
      expect({ method, allowed: policyAllows(answer, methodArn(method, resourcePath)) }).toEqual({ method, allowed: true });
    }
    expect(answer.context).toEqual({ role: 'install', installId, customerId: 'bundle-run' });
  });

  test('the authorizer: a wrong key is Unauthorized and no failure; a key lookup that fails is counted for the alarm', async () => {
    const wrong = await invokeBundle(outdir, fn(authorizerHandler)[1], authorizerEvent(`Bearer mpai_${'Q'.repeat(43)}`));
    expect(wrong.error).toEqual({ name: 'Error', message: 'Unauthorized' });
    expect(emf(wrong.lines).filter((d) => 'AuthorizerFailures' in d)).toEqual([]);
    const failing = await invokeBundle(outdir, fn(authorizerHandler)[1], authorizerEvent(`Bearer ${apiKey}`), { DYNAMODB_ENDPOINT: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' });
    expect(failing.error).toBeDefined();
    expect(failing.error!.message).not.toBe('Unauthorized');
    expect(emf(failing.lines).filter((d) => d.AuthorizerFailures === 1)).toEqual([
      expect.objectContaining({ service: 'mpa-licensing', _aws: expect.objectContaining({ CloudWatchMetrics: [expect.objectContaining({ Namespace: 'MpaLicensing' })] }) }),
    ]);
  });

  test('the upload handler: a gzip upload as API Gateway delivers it (base64) is accepted and durable', async () => {
    const envelope = sampleUpload('licensing-counts', { devices: 20, collectedAt: new Date(Date.now() - 60_000).toISOString() });
    const body = gzipSync(JSON.stringify(envelope));
    const event = {
      resource: '/v1/uploads/{queryTypeOrUploadId}',
      path: '/v1/uploads/licensing-counts',
      httpMethod: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', Authorization: 'Bearer (not read by handlers)' },
      multiValueHeaders: { 'Content-Type': ['application/json'], 'Content-Encoding': ['gzip'] },
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: { queryTypeOrUploadId: 'licensing-counts' },
      stageVariables: null,
      requestContext: {
        resourcePath: '/v1/uploads/{queryTypeOrUploadId}',
        httpMethod: 'POST',
        path: '/prod/v1/uploads/licensing-counts',
        stage: 'prod',
        requestId: 'bundle-run-upload',
        identity: { sourceIp: '198.51.100.7' },
        authorizer: { principalId: installId, role: 'install', installId, customerId: 'bundle-run' },
      },
      body: body.toString('base64'),
      isBase64Encoded: true,
    };
    const run = await invokeBundle(outdir, fn('postUpload')[1], event);
    expect(run.error).toBeUndefined();
    const answer = run.result as { statusCode: number; body: string };
    expect(answer.statusCode).toBe(201);
    const receipt = JSON.parse(answer.body);
    expect(receipt).toMatchObject({ installId, queryType: 'licensing-counts', recordCount: envelope.records.length, duplicate: false });
    expect(await getUpload(c, receipt.uploadId)).toMatchObject({ status: 'accepted', rawKey: expect.stringMatching(/^raw\/query=licensing-counts\//) });
  });

  test('the processor: an upload session\'s object, delivered as S3 → SQS delivers it, is accepted', async () => {
    const envelope = sampleUpload('probes', { collectedAt: new Date(Date.now() - 120_000).toISOString() });
    const body = gzipSync(JSON.stringify(envelope));
    const session = await createUploadSession(c, { installId, request: { kind: 'query', queryType: 'probes', contentLength: body.length, contentEncoding: 'gzip' }, now: new Date() });
    const put = await fetch(session.url, { method: 'PUT', headers: session.headers, body });
    expect(put.status).toBe(200);
    const run = await invokeBundle(outdir, fn('processIncoming')[1], sqsEventOf(await objectCreatedNotification(incomingKey(session.uploadId), c.config.incomingBucket)));
    expect(run.error).toBeUndefined();
    expect(run.result).toEqual({ batchItemFailures: [] });
    expect(await getUpload(c, session.uploadId)).toMatchObject({ status: 'accepted' });
  });
});
