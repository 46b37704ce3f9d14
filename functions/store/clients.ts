/**
 * AWS SDK clients, created once per process (Lambda reuses them across invocations).
 * Checksums only when required: s3rver cannot handle the SDK's default CRC trailers, and
 * the archive stores its own sha256 anyway.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type StorageConfig, storageConfig } from './config.js';

export interface Clients {
  config: StorageConfig;
  s3: S3Client;
  ddb: DynamoDBDocumentClient;
}


export function createClients(config: StorageConfig = storageConfig()): Clients {
  const local = config.dynamoDbEndpoint !== undefined || config.s3Endpoint !== undefined;
  // The emulators accept fixed credentials; on AWS the default provider chain applies.
  const credentials = local ? { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } : undefined;
  const dynamo = new DynamoDBClient({
    region: config.region,
    ...(config.dynamoDbEndpoint ? { endpoint: config.dynamoDbEndpoint } : {}),
    ...(credentials ? { credentials } : {}),
  });
  const s3 = new S3Client({
    region: config.region,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(config.s3Endpoint ? { endpoint: config.s3Endpoint, forcePathStyle: true } : {}),
    ...(credentials ? { credentials } : {}),
  });
  const ddb = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  return { config, s3, ddb };
}

/** The process-wide clients, built from the environment on first use. */
export function clients(): Clients {
  clients_ ??= createClients();
  return clients_;
}
let clients_: Clients | undefined;

/** For tests and the local server: forget the clients so the next call reads the environment again. */
export function resetClients(): void {
  clients_?.s3.destroy();
  clients_?.ddb.destroy();
  clients_ = undefined;
}
