/**
 * The deployed shape of three staff-operation guarantees (DESIGN.md §11), synthesized in
 * process: the functions that revoke access may flush exactly their stage's authorizer cache;
 * the digest function publishes to its encrypted topic itself (no invocation record as the
 * mail); and only the bundle upload may update (never delete) an audit item.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { handlerProfiles } from '../../lib/handlerProfiles.js';
import { removeSynthOutputs, synth, type Synthesized } from './support/synth.js';
import { actionsOf, functionsByHandler, idOf, ofType, referencedIds, resourcesOf, roleOfFunction, roleStatements } from './support/template.js';

afterAll(removeSynthOutputs);

let s: Synthesized;
beforeAll(() => {
  s = synth({ context: { stage: 'prod', customerManagedKey: 'true', digestEmails: 'licensing@example.com,ops@example.com' } });
});

const flushers = ['deleteInstall', 'deleteStaffKey', 'patchInstall', 'postInstallKey'];

describe('authorizer cache flush', () => {
  test('the profiles that flush are the writes that revoke access', () => {
    const flagged = Object.entries(handlerProfiles).filter(([, p]) => p.flushesAuthorizerCache).map(([name]) => name);
    expect(flagged.sort()).toEqual(flushers);
  });

  test('they, and only they, get the REST API id and stage name, and apigateway:DELETE on that stage\'s authorizer cache only', () => {
    const apiId = idOf(s.json.Resources, 'AWS::ApiGateway::RestApi', 'IngestApi');
    for (const [handler, [, fn]] of functionsByHandler(s.json.Resources)) {
      const env = fn.Properties.Environment.Variables as Record<string, unknown>;
      const apigateway = roleStatements(s.json.Resources, roleOfFunction(fn)).filter((st) => actionsOf(st).some((a) => a.startsWith('apigateway:')));
      if (!flushers.includes(handler)) {
        expect({ handler, env: env.REST_API_ID, apigateway }).toEqual({ handler, env: undefined, apigateway: [] });
        continue;
      }
      expect({ handler, id: env.REST_API_ID, stage: env.API_STAGE_NAME }).toEqual({ handler, id: { Ref: apiId }, stage: 'prod' });
      expect(apigateway).toHaveLength(1);
      expect(actionsOf(apigateway[0]!)).toEqual(['apigateway:DELETE']);
      expect(resourcesOf(apigateway[0]!)).toEqual([
        {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':apigateway:', { Ref: 'AWS::Region' }, '::/restapis/', { Ref: apiId }, '/stages/prod/cache/authorizers']],
        },
      ]);
    }
  });

  test('a failed flush alarms', () => {
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'MpaLicensing',
      MetricName: 'AuthorizerCacheFlushFailures',
      Dimensions: [{ Name: 'service', Value: 'mpa-licensing' }],
      Statistic: 'Sum',
      Threshold: 1,
    });
  });

  test('no function refers to the deployment or the stage (which depend on the functions: a cycle)', () => {
    const gatewayIds = new Set(ofType(s.json.Resources, 'AWS::ApiGateway::Deployment').concat(ofType(s.json.Resources, 'AWS::ApiGateway::Stage')).map(([id]) => id));
    for (const [, [, fn]] of functionsByHandler(s.json.Resources)) {
      for (const id of referencedIds(fn.Properties)) expect(gatewayIds.has(id)).toBe(false);
    }
  });
});

describe('daily digest', () => {
  const digest = () => functionsByHandler(s.json.Resources).get('publishDigest')!;
  const topicId = () => idOf(s.json.Resources, 'AWS::SNS::Topic', 'DailyDigestTopic');
  const topicKeyId = () => idOf(s.json.Resources, 'AWS::KMS::Key', 'DailyDigestTopicKey');

  test('the function publishes itself: TOPIC_ARN, no on-success destination', () => {
    const [fnId, fn] = digest();
    expect(fn.Properties.Environment.Variables.TOPIC_ARN).toEqual({ Ref: topicId() });
    const configs = ofType(s.json.Resources, 'AWS::Lambda::EventInvokeConfig').filter(([, c]) => referencedIds(c.Properties.FunctionName).has(fnId));
    expect(configs).toHaveLength(1);
    expect(configs[0]![1].Properties.DestinationConfig).toBeUndefined();
    expect(configs[0]![1].Properties.MaximumRetryAttempts).toBe(2);
  });

  test('the topic is encrypted with its own key, with e-mail subscriptions from digestEmails', () => {
    s.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [topicKeyId(), 'Arn'] } });
    for (const email of ['licensing@example.com', 'ops@example.com']) {
      s.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: email, TopicArn: { Ref: topicId() } });
    }
  });

  test('grants: sns:Publish on that topic only, and on its key only what publishing to an encrypted topic needs', () => {
    const statements = roleStatements(s.json.Resources, roleOfFunction(digest()[1]));
    const sns = statements.filter((st) => actionsOf(st).some((a) => a.startsWith('sns:')));
    expect(sns.map((st) => [actionsOf(st), resourcesOf(st)])).toEqual([[['sns:Publish'], [{ Ref: topicId() }]]]);
    const topicKey = statements.filter((st) => JSON.stringify(resourcesOf(st)).includes(topicKeyId()));
    expect(topicKey.map((st) => [actionsOf(st).sort(), resourcesOf(st)])).toEqual([[['kms:Decrypt', 'kms:GenerateDataKey'], [{ 'Fn::GetAtt': [topicKeyId(), 'Arn'] }]]]);
    // Read-only on the table: the digest writes nothing.
    const writes = statements.flatMap(actionsOf).filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a));
    expect(writes).toEqual([]);
  });

  test('an EventBridge schedule invokes it daily', () => {
    s.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 6 * * ? *)',
      Targets: Match.arrayWith([Match.objectLike({ Arn: { 'Fn::GetAtt': [digest()[0], 'Arn'] } })]),
    });
  });
});

describe('audit items', () => {
  test('only the bundle upload may update one (its bundle entry), and it may not delete one', () => {
    const deny = (handler: string) => {
      const fn = functionsByHandler(s.json.Resources).get(handler)![1];
      return roleStatements(s.json.Resources, roleOfFunction(fn), 'Deny').find((st) => (st as { Sid?: string }).Sid === 'AuditAppendOnly');
    };
    expect(actionsOf(deny('postBundle')!).sort()).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem']);
    expect(deny('postBundle')!.Condition).toEqual({ 'ForAnyValue:StringEquals': { 'dynamodb:LeadingKeys': ['AUDIT'] } });
    for (const handler of ['processIncoming', 'postUpload', 'patchInstall']) expect(actionsOf(deny(handler)!)).toContain('dynamodb:UpdateItem');
    const flagged = Object.entries(handlerProfiles).filter(([, p]) => p.auditUpdate).map(([name]) => name);
    expect(flagged).toEqual(['postBundle']);
  });
});
