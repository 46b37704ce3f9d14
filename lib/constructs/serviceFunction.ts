/**
 * The house Lambda function: NodejsFunction with the defaults of lib/defaults/lambda-defaults.ts,
 * its own log group (retention from config) and its own role that can write only to that
 * log group (no AWS managed policies). Data access is added by the caller (lib/constructs/grants.ts).
 */
import path from 'node:path';
import { type Duration, type RemovalPolicy, Size, Validations } from 'aws-cdk-lib';
import { type IRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type ApplicationLogLevel, SystemLogLevel } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { defaultBundling, defaultEnvironment, defaultFunctionSettings } from '../defaults/lambda-defaults.js';
import { logGroupProps } from '../defaults/logs-defaults.js';
import { projectRoot } from '../paths.js';

export interface ServiceFunctionProps {
  /** The TypeScript module exporting `handler`. */
  entry: string;
  description: string;
  memorySize?: number;
  timeout?: Duration;
  /** Reserved concurrency; undefined or 0: none. */
  reservedConcurrentExecutions?: number | undefined;
  ephemeralStorageMiB?: number;
  environment?: Record<string, string>;
  logRetentionDays: number;
  /** Applies to the log group. */
  removalPolicy: RemovalPolicy;
  /** Powertools / Lambda application log level. */
  logLevel: string;
  /** Added to the default bundling (e.g. command hooks that copy files into the asset). */
  bundling?: Partial<BundlingOptions>;
}

export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: IRole;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'LogGroup', logGroupProps(props.logRetentionDays, props.removalPolicy));

    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.description}`,
    });
    this.logGroup.grantWrite(role);
    this.role = role;

    this.function = new NodejsFunction(this, 'Function', {
      ...defaultFunctionSettings,
      entry: props.entry,
      handler: 'handler',
      projectRoot,
      depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
      description: props.description,
      role,
      logGroup: this.logGroup,
      applicationLogLevelV2: props.logLevel as ApplicationLogLevel,
      systemLogLevelV2: SystemLogLevel.INFO,
      memorySize: props.memorySize ?? defaultFunctionSettings.memorySize,
      timeout: props.timeout ?? defaultFunctionSettings.timeout,
      ...(props.reservedConcurrentExecutions ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions } : {}),
      ...(props.ephemeralStorageMiB ? { ephemeralStorageSize: Size.mebibytes(props.ephemeralStorageMiB) } : {}),
      environment: {
        ...defaultEnvironment,
        LOG_LEVEL: props.logLevel,
        ...props.environment,
      },
      bundling: { ...defaultBundling, ...props.bundling },
    });

    // Tracing.ACTIVE adds xray:PutTraceSegments and xray:PutTelemetryRecords on "*".
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords (added by tracing: ACTIVE) support no resource-level permissions; ' +
        'AWS documents Resource "*" for them. All data-plane grants of this role name specific ARNs.',
    });
  }
}
