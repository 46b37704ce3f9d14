/**
 * The daily digest (DESIGN.md §11): an EventBridge schedule invokes the digest function
 * (functions/handlers/publishDigest.ts) asynchronously each morning; the function publishes
 * the digest as a plain-text e-mail (subject and body) to an SNS topic encrypted with its own
 * KMS key, to which the stage's configured e-mail addresses are subscribed. The function may
 * only publish to that topic (and use its key to do so). A failed run is retried twice by Lambda.
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { digestHandler } from '../../functions/routes.js';
import { secureKeyProps } from '../defaults/kms-defaults.js';
import { HandlerFunction, type HandlerFunctionContext } from './handlerFunction.js';

export interface DailyDigestProps {
  functionContext: HandlerFunctionContext;
  removalPolicy: RemovalPolicy;
  /** UTC hour of the daily run. */
  hourUtc?: number;
}

export class DailyDigest extends Construct {
  readonly handler: HandlerFunction;
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: DailyDigestProps) {
    super(scope, id);
    const { config } = props.functionContext;
    const topicKey = new Key(this, 'TopicKey', secureKeyProps(`mpa-licensing-${config.stage}: digest topic`, props.removalPolicy));
    this.topic = new Topic(this, 'Topic', { displayName: `MPA licensing ${config.stage} daily digest`, masterKey: topicKey, enforceSSL: true });
    for (const email of config.digestEmails) this.topic.addSubscription(new EmailSubscription(email));

    this.handler = new HandlerFunction(this, 'Handler', digestHandler, props.functionContext);
    // The function publishes itself (no invocation record as the mail); granted action by action
    // (topic.grantPublish would grant kms:GenerateDataKey* on the key).
    const topic = this.topic;
    this.handler.function.addEnvironment('TOPIC_ARN', topic.topicArn);
    this.handler.function.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6) });
    this.handler.role.addToPrincipalPolicy(new PolicyStatement({ sid: 'DigestTopic', actions: ['sns:Publish'], resources: [topic.topicArn] }));
    this.handler.role.addToPrincipalPolicy(new PolicyStatement({ sid: 'DigestTopicKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [topicKey.keyArn] }));

    new Rule(this, 'Schedule', {
      description: `MPA licensing ${config.stage}: the daily digest`,
      schedule: Schedule.cron({ minute: '0', hour: String(props.hourUtc ?? 6) }),
      targets: [new LambdaFunction(this.handler.function, { retryAttempts: 2, maxEventAge: Duration.hours(6) })],
    });
  }
}
