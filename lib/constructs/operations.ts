/**
 * Operations: an encrypted SNS alarm topic, CloudWatch alarms on what needs a human (API 5xx
 * rate, authorizer errors, DLQ depth, Lambda errors and throttles, a stuck queue) and a
 * dashboard with the API, the functions, the upload metrics (EMF from the handlers), the
 * pipeline and the table.
 */
import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AUTHORIZER_CACHE_FLUSH_FAILURES_METRIC, AUTHORIZER_FAILURES_METRIC, METRICS_NAMESPACE, SERVICE_NAME, uploadMetrics } from '../../functions/observability/metricNames.js';
import type { StageConfig } from '../config.js';
import { secureKeyProps } from '../defaults/kms-defaults.js';
import type { ServiceFunction } from './serviceFunction.js';

/** API 5xx responses above this fraction of requests, in 2 of 3 five-minute periods, alarm. */
export const API_5XX_RATE_THRESHOLD = 0.05;

export interface OperationsProps {
  config: StageConfig;
  removalPolicy: RemovalPolicy;
  api: RestApi;
  /** All functions by a short name (handler name), including authorizer and processor. */
  functions: ReadonlyMap<string, ServiceFunction>;
  authorizerName: string;
  queue: IQueue;
  deadLetterQueue: IQueue;
  table: ITable;
  /** Further failure destinations whose depth > 0 alarms. */
  failureQueues?: { id: string; queue: IQueue; description: string }[];
}

export class Operations extends Construct {
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const { config } = props;
    const prefix = `mpa-licensing-${config.stage}`;

    // CloudWatch alarms can publish to an encrypted topic only with a customer-managed key it may use.
    const topicKey = new Key(this, 'AlarmTopicKey', secureKeyProps(`${prefix}: alarm topic`, props.removalPolicy));
    topicKey.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: `MPA licensing ${config.stage} alarms`,
      masterKey: topicKey,
      enforceSSL: true,
    });
    if (config.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));
    // enforceSSL replaces SNS's default topic policy with one holding only its Deny, so without
    // this statement CloudWatch could not publish and no alarm would reach anyone. Only this
    // account's alarms of this stack (their names start with the stack's name) may publish.
    const { account, region, partition, stackName } = Stack.of(this);
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:${stackName}-*` },
        },
      }),
    );

    const stage = props.api.deploymentStage;
    const fiveMinutes = Duration.minutes(5);

    this.alarm('Api5xxRate', {
      description: `More than ${API_5XX_RATE_THRESHOLD * 100}% of API requests answered 5xx (2 of 3 five-minute periods).`,
      // The Average of 5XXError is the fraction of requests that failed with 5xx.
      metric: stage.metricServerError({ statistic: 'Average', period: fiveMinutes }),
      threshold: API_5XX_RATE_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });

    if (props.functions.has(props.authorizerName)) {
      // Not Lambda's Errors metric: the authorizer throws `Unauthorized` for every wrong, rotated
      // or revoked key, which Lambda counts as an error; the authorizer counts its real failures
      // (the key lookup failing) in a metric of its own (functions/observability).
      this.alarm('AuthorizerFailures', {
        description: 'The API key authorizer could not look keys up (every authenticated request fails while it cannot).',
        metric: new Metric({
          namespace: METRICS_NAMESPACE,
          metricName: AUTHORIZER_FAILURES_METRIC,
          dimensionsMap: { service: SERVICE_NAME },
          period: fiveMinutes,
          statistic: 'Sum',
        }),
        threshold: 1,
      });
    }

    // A revocation committed but the gateway's cache was not flushed: the old key may pass until
    // its cached answer expires (docs/decisions.md). Rare and worth a look.
    this.alarm('AuthorizerCacheFlushFailures', {
      description: 'A key revocation, rotation or install retirement could not flush the authorizer cache; the old key passed until the cache expired.',
      metric: new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: AUTHORIZER_CACHE_FLUSH_FAILURES_METRIC,
        dimensionsMap: { service: SERVICE_NAME },
        period: Duration.minutes(5),
        statistic: 'Sum',
      }),
      threshold: 1,
    });

    this.alarm('DeadLetterQueueNotEmpty', {
      description: 'Uploads failed processing five times and wait in the dead-letter queue.',
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 1,
    });

    for (const failure of props.failureQueues ?? []) {
      this.alarm(failure.id, {
        description: failure.description,
        metric: failure.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: 1,
      });
    }

    this.alarm('IncomingQueueStuck', {
      description: 'The oldest incoming upload has waited more than an hour for processing.',
      metric: props.queue.metricApproximateAgeOfOldestMessage({ period: fiveMinutes, statistic: 'Maximum' }),
      threshold: 3600,
    });

    for (const [name, fn] of props.functions) {
      if (name !== props.authorizerName) {
        this.alarm(`Errors-${name}`, {
          description: `Function ${name} failed (unhandled error or timeout).`,
          metric: fn.function.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
          threshold: 1,
        });
      }
      this.alarm(`Throttles-${name}`, {
        description: `Function ${name} was throttled (reserved or account concurrency exhausted).`,
        metric: fn.function.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
        threshold: 1,
      });
    }

    this.dashboard = this.buildDashboard(prefix, props);
  }

  private alarm(
    id: string,
    options: { description: string; metric: IMetric; threshold: number; evaluationPeriods?: number; datapointsToAlarm?: number },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      alarmName: `${Stack.of(this).stackName}-${id}`,
      alarmDescription: options.description,
      metric: options.metric,
      threshold: options.threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      datapointsToAlarm: options.datapointsToAlarm ?? options.evaluationPeriods ?? 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    alarm.addOkAction(new SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
    return alarm;
  }

  private buildDashboard(prefix: string, props: OperationsProps): Dashboard {
    const stage = props.api.deploymentStage;
    const period = Duration.minutes(5);
    const fns = [...props.functions.entries()];
    const perFunction = (label: string, metric: (f: ServiceFunction) => Metric) =>
      new GraphWidget({ title: label, width: 8, left: fns.map(([name, f]) => metric(f).with({ label: name, period })) });
    const search = (expression: string) =>
      new MathExpression({ expression: `SEARCH('${expression}', 'Sum', ${period.toSeconds()})`, usingMetrics: {}, period });
    const total = (expression: string, label: string) =>
      new MathExpression({ expression: `SUM(SEARCH('${expression}', 'Sum', ${period.toSeconds()}))`, label, usingMetrics: {}, period });
    const ns = METRICS_NAMESPACE;
    const plain = `{${ns},outcome,queryType,service}`;
    const withCode = `{${ns},code,outcome,queryType,service}`;

    const dashboard = new Dashboard(this, 'Dashboard', { dashboardName: prefix });
    dashboard.addWidgets(
      new TextWidget({
        markdown: `# MPA licensing (${props.config.stage})\nAPI, functions, uploads (EMF namespace \`${ns}\`), incoming pipeline, table. Alarms go to the SNS topic of this stack.`,
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }));
    dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests and errors',
        width: 8,
        left: [stage.metricCount({ period, statistic: 'Sum' }), stage.metricClientError({ period, statistic: 'Sum' }), stage.metricServerError({ period, statistic: 'Sum' })],
      }),
      new GraphWidget({
        title: 'API latency (ms)',
        width: 8,
        left: [
          stage.metricLatency({ period, statistic: 'p50', label: 'p50' }),
          stage.metricLatency({ period, statistic: 'p99', label: 'p99' }),
          stage.metricIntegrationLatency({ period, statistic: 'p99', label: 'integration p99' }),
        ],
      }),
      new GraphWidget({
        title: 'Uploads by outcome',
        width: 8,
        left: [
          total(`${plain} MetricName="${uploadMetrics.uploads}" outcome="accepted"`, 'accepted'),
          total(`${plain} MetricName="${uploadMetrics.uploads}" outcome="duplicate"`, 'duplicate'),
          total(`${withCode} MetricName="${uploadMetrics.uploads}" outcome="rejected"`, 'rejected'),
        ],
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({ title: 'Accepted uploads by query type', width: 8, left: [search(`${plain} MetricName="${uploadMetrics.uploads}" outcome="accepted"`)] }),
      new GraphWidget({ title: 'Rejected uploads by code and query type', width: 8, left: [search(`${withCode} MetricName="${uploadMetrics.uploads}"`)] }),
      new GraphWidget({
        title: 'Accepted records and bytes',
        width: 8,
        left: [total(`${plain} MetricName="${uploadMetrics.records}" outcome="accepted"`, 'records')],
        right: [total(`${plain} MetricName="${uploadMetrics.bytes}" outcome="accepted"`, 'bytes')],
      }),
    );
    dashboard.addWidgets(
      perFunction('Lambda invocations', (f) => f.function.metricInvocations({ statistic: 'Sum' })),
      perFunction('Lambda errors', (f) => f.function.metricErrors({ statistic: 'Sum' })),
      perFunction('Lambda throttles', (f) => f.function.metricThrottles({ statistic: 'Sum' })),
    );
    dashboard.addWidgets(
      perFunction('Lambda duration p99 (ms)', (f) => f.function.metricDuration({ statistic: 'p99' })),
      new GraphWidget({
        title: 'Incoming pipeline',
        width: 8,
        left: [
          props.queue.metricApproximateNumberOfMessagesVisible({ period, label: 'queue visible' }),
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, label: 'DLQ visible' }),
        ],
        right: [props.queue.metricApproximateAgeOfOldestMessage({ period, label: 'oldest message age (s)' })],
      }),
      new GraphWidget({
        title: 'DynamoDB',
        width: 8,
        left: [
          props.table.metricConsumedReadCapacityUnits({ period, statistic: 'Sum', label: 'RCU' }),
          props.table.metricConsumedWriteCapacityUnits({ period, statistic: 'Sum', label: 'WCU' }),
        ],
        right: [
          new MathExpression({
            expression: `SUM(SEARCH('{AWS/DynamoDB,TableName,Operation} MetricName="ThrottledRequests" TableName="${props.table.tableName}"', 'Sum', ${period.toSeconds()}))`,
            label: 'throttled requests',
            usingMetrics: {},
            period,
          }),
        ],
      }),
    );
    return dashboard;
  }
}
