/**
 * One Lambda function for one handler module: a ServiceFunction sized and granted by the
 * handler's profile (lib/handlerProfiles.ts), with the environment all handlers read.
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config.js';
import { profileFor, type HandlerProfile } from '../handlerProfiles.js';
import { defaultEntryFor } from '../paths.js';
import { type DataResources, grantProfile } from './grants.js';
import { ServiceFunction } from './serviceFunction.js';

export interface HandlerFunctionContext {
  config: StageConfig;
  data: DataResources;
  removalPolicy: RemovalPolicy;
}

/** The environment variables every handler can rely on. */
export function handlerEnvironment(config: StageConfig, data: DataResources): Record<string, string> {
  return {
    STAGE: config.stage,
    TABLE_NAME: data.table.tableName,
    RAW_BUCKET: data.rawBucket.bucketName,
    INCOMING_BUCKET: data.incomingBucket.bucketName,
    TIMEOUT_EARLY_MS: String(config.timeoutEarlyMs),
    ALLOWED_ORIGINS: config.allowedOrigins.join(','),
  };
}

export class HandlerFunction extends ServiceFunction {
  readonly handlerName: string;
  readonly profile: HandlerProfile;

  constructor(scope: Construct, id: string, handlerName: string, context: HandlerFunctionContext) {
    const profile = profileFor(handlerName);
    const { config } = context;
    super(scope, id, {
      entry: defaultEntryFor(handlerName),
      description: `MPA licensing ${config.stage}: ${profile.description} (${handlerName})`,
      memorySize: profile.memorySize,
      timeout: Duration.seconds(profile.timeoutSeconds),
      reservedConcurrentExecutions: profile.upload ? config.uploadReservedConcurrency : undefined,
      ...(profile.memorySize > 1769 ? { ephemeralStorageMiB: 2048 } : {}),
      environment: {
        ...handlerEnvironment(config, context.data),
        // The signing key's id only where the profile may use it.
        ...(profile.licenseKey && context.data.licenseSigning ? { LICENSE_SIGNING_KEY_ID: context.data.licenseSigning.key.keyId } : {}),
      },
      logRetentionDays: config.logRetentionDays,
      removalPolicy: context.removalPolicy,
      logLevel: config.logLevel,
    });
    this.handlerName = handlerName;
    this.profile = profile;
    grantProfile(this.role, profile, context.data);
  }
}
