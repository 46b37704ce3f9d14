/**
 * Storage configuration from the environment. On AWS the endpoints are the defaults; locally
 * (npm start, tests) they point at the embedded emulators.
 */
export interface StorageConfig {
  tableName: string;
  rawBucket: string;
  incomingBucket: string;
  region: string;
  dynamoDbEndpoint?: string;
  s3Endpoint?: string;
}

export function storageConfig(env: NodeJS.ProcessEnv = process.env): StorageConfig {
  const config: StorageConfig = {
    tableName: env.TABLE_NAME ?? 'mpa-licensing',
    rawBucket: env.RAW_BUCKET ?? 'mpa-licensing-raw',
    incomingBucket: env.INCOMING_BUCKET ?? env.RAW_BUCKET ?? 'mpa-licensing-raw',
    region: env.AWS_REGION ?? 'eu-west-1',
  };
  if (env.DYNAMODB_ENDPOINT) config.dynamoDbEndpoint = env.DYNAMODB_ENDPOINT;
  if (env.S3_ENDPOINT) config.s3Endpoint = env.S3_ENDPOINT;
  return config;
}
