/**
 * Configuration variants, synthesized in process without bundling (the template is the same):
 * the processor, a customer-managed key, CORS, and the dev stage.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { PROCESSOR_TIMEOUT } from '../../lib/constructs/uploadPipeline.js';
import { removeSynthOutputs, synth, type Synthesized } from './support/synth.js';
import { actionsOf, functionsByHandler, idOf, ofType, referencedIds, resourcesOf, roleOfFunction, roleStatements } from './support/template.js';


afterAll(removeSynthOutputs);

describe('prod with processor, customer-managed key and CORS', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth({
      context: { stage: 'prod', customerManagedKey: 'true', allowedOrigins: 'https://licensing.example.com', alarmEmail: 'ops@example.com' },
    });
  });
  const processor = () => functionsByHandler(s.json.Resources).get('processIncoming')!;
  const queueId = () => idOf(s.json.Resources, 'AWS::SQS::Queue', 'UploadPipelineIncomingQueue');

  test('the processor consumes the incoming queue with partial batch failures', () => {
    const [fnId, fn] = processor();
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Timeout: PROCESSOR_TIMEOUT.toSeconds(), MemorySize: 3008, EphemeralStorage: { Size: 2048 } });
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId },
      EventSourceArn: { 'Fn::GetAtt': [queueId(), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  test('the processor reads and deletes incoming/ objects, writes raw objects and the table, consumes only its queue', () => {
    const statements = roleStatements(s.json.Resources, roleOfFunction(processor()[1]));
    const incoming = idOf(s.json.Resources, 'AWS::S3::Bucket', 'UploadPipelineIncomingBucket');
    const raw = idOf(s.json.Resources, 'AWS::S3::Bucket', 'StorageRawBucket');
    const onBucket = (bucket: string) =>
      statements.filter((st) => resourcesOf(st).some((r) => referencedIds(r).has(bucket))).flatMap(actionsOf);
    // ListBucket: a HEAD of an object that is already gone must answer 404, not 403.
    expect(onBucket(incoming).sort()).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:ListBucket']);
    expect(onBucket(raw)).toEqual(expect.arrayContaining(['s3:PutObject', 's3:DeleteObject']));
    expect(JSON.stringify(statements.filter((st) => resourcesOf(st).some((r) => referencedIds(r).has(incoming))))).toContain('/incoming/*');
    const sqs = statements.filter((st) => actionsOf(st).some((a) => a.startsWith('sqs:')));
    expect(sqs.flatMap(resourcesOf)).toEqual([{ 'Fn::GetAtt': [queueId(), 'Arn'] }]);
  });

  test('processor errors and throttles alarm', () => {
    const [fnId] = processor();
    for (const metric of ['Errors', 'Throttles']) {
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: metric, Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }] });
    }
  });

  test('one rotating customer-managed key encrypts the table and both data buckets; roles may use only that key', () => {
    const keyId = idOf(s.json.Resources, 'AWS::KMS::Key', 'StorageDataKey');
    expect(s.json.Resources[keyId]!.Properties.EnableKeyRotation).toBe(true);
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
    });
    for (const prefix of ['StorageRawBucket', 'UploadPipelineIncomingBucket']) {
      const bucket = s.json.Resources[idOf(s.json.Resources, 'AWS::S3::Bucket', prefix)]!;
      expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]).toMatchObject({
        BucketKeyEnabled: true,
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } },
      });
    }
    for (const [handler, [, fn]] of functionsByHandler(s.json.Resources)) {
      // The issuing function's grant on the license signing key: test/cdk/licenseSigning.test.ts.
      const kms = roleStatements(s.json.Resources, roleOfFunction(fn)).filter(
        (st) => actionsOf(st).some((a) => a.startsWith('kms:')) && (st as { Sid?: string }).Sid !== 'LicenseSigning',
      );
      for (const st of kms) {
        // The digest function also encrypts what it publishes with its topic's own key.
        if (handler === 'publishDigest' && JSON.stringify(resourcesOf(st)).includes('DailyDigestTopicKey')) continue;
        expect({ handler, resources: resourcesOf(st) }).toEqual({ handler, resources: [{ 'Fn::GetAtt': [keyId, 'Arn'] }] });
        expect(actionsOf(st).every((a) => !a.includes('*'))).toBe(true);
      }
      if (handler === 'health') expect(kms).toEqual([]);
    }
  });

  test('CORS: preflight on every resource, allowed origin on gateway errors, PUT on the incoming bucket', () => {
    const resources = ofType(s.json.Resources, 'AWS::ApiGateway::Resource');
    const options = ofType(s.json.Resources, 'AWS::ApiGateway::Method').filter(([, m]) => m.Properties.HttpMethod === 'OPTIONS');
    expect(options.length).toBe(resources.length + 1);
    for (const [, m] of options) expect(m.Properties.Integration).toMatchObject({ Type: 'MOCK', ContentHandling: 'CONVERT_TO_TEXT' });
    for (const [, r] of ofType(s.json.Resources, 'AWS::ApiGateway::GatewayResponse')) {
      expect(r.Properties.ResponseParameters['gatewayresponse.header.Access-Control-Allow-Origin']).toBe("'https://licensing.example.com'");
    }
    s.template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedMethods: ['PUT'], AllowedOrigins: ['https://licensing.example.com'] })] },
    });
    for (const [, [, fn]] of functionsByHandler(s.json.Resources)) {
      expect(fn.Properties.Environment.Variables.ALLOWED_ORIGINS).toBe('https://licensing.example.com');
    }
  });

  test('alarm e-mail subscription', () => {
    s.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });
});

describe('dev stage (cdk.json block)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth({ context: { stage: 'dev' } });
  });

  test('disposable: no deletion protection, resources destroyed with the stack', () => {
    s.template.hasResource('AWS::DynamoDB::Table', { Properties: { DeletionProtectionEnabled: false }, DeletionPolicy: 'Delete' });
    for (const [, bucket] of ofType(s.json.Resources, 'AWS::S3::Bucket')) expect(bucket.DeletionPolicy).toBe('Delete');
    // PITR stays on everywhere.
    s.template.hasResourceProperties('AWS::DynamoDB::Table', { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
  });

  test('cheaper: no WAF, no reserved concurrency, shorter log retention, debug logs', () => {
    s.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    for (const [, [, fn]] of functionsByHandler(s.json.Resources)) {
      expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
      expect(fn.Properties.Environment.Variables.LOG_LEVEL).toBe('DEBUG');
    }
    for (const [, lg] of ofType(s.json.Resources, 'AWS::Logs::LogGroup')) expect(lg.Properties.RetentionInDays).toBe(30);
    s.template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'dev' });
  });

  test('stack name carries the stage', () => {
    expect(s.stack.stackName).toBe('MpaLicensing-dev');
  });
});
