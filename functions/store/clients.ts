/**
 * AWS SDK clients, created once per process (Lambda reuses them across invocations).
 *
 * Only the DynamoDB client is built here. The S3 client lives in its own module
 * (`s3Of` in store/s3Client.ts) and is built on first use, so functions that never touch S3
 * (the read-only API, the authorizer) do not bundle @aws-sdk/client-s3 at all.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type StorageConfig, storageConfig } from './config.js';

export interface Clients {
  config: StorageConfig;
  ddb: DynamoDBDocumentClient;
  /** The S3 client once `s3Of` (store/s3Client.ts) has built it; use `s3Of(c)`, never this. */
  s3IfBuilt?: S3Client;
  /** The API Gateway client once store/authorizerCache.ts has built it; use `flushAuthorizerCache(c)`, never this. */
  apiGatewayIfBuilt?: APIGatewayClient;
}

/**
 * Credentials always come from the SDK's default provider chain: the function's role on AWS;
 * locally, the emulators' fixed ones, which the local set-up puts in the environment
 * (functions/local/emulators.ts emulatorEnvironment).
 */
export function createClients(config: StorageConfig = storageConfig()): Clients {
  const dynamo = new DynamoDBClient({
    region: config.region,
    ...(config.dynamoDbEndpoint ? { endpoint: config.dynamoDbEndpoint } : {}),
  });
  const ddb = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  return { config, ddb };
}

/** Releases the sockets of every client of `c` (the S3 client too, if it was built). */
export function destroyClients(c: Clients): void {
  c.s3IfBuilt?.destroy();
  c.apiGatewayIfBuilt?.destroy();
  c.ddb.destroy();
}

/** The process-wide clients, built from the environment on first use. */
export function clients(): Clients {
  clients_ ??= createClients();
  return clients_;
}
let clients_: Clients | undefined;

/** For tests and the local server: forget the clients so the next call reads the environment again. */
export function resetClients(): void {
  if (clients_) destroyClients(clients_);
  clients_ = undefined;
}
