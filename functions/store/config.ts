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

/**
 * Where the API stage's authorizer cache is flushed (store/authorizerCache.ts): the REST API's
 * id and stage name (set on AWS for the functions whose profile says so: lib/constructs/ingestApi.ts),
 * and locally the endpoint that stands in for API Gateway's control plane (the local server:
 * functions/local/localApi.ts localControlPlaneEnvironment). Undefined: there is no API stage
 * to flush (a handler called without one, e.g. by a unit test).
 */
export interface AuthorizerCacheConfig {
  restApiId: string;
  stageName: string;
  region: string;
  apiGatewayEndpoint?: string;
}

export function authorizerCacheConfig(env: NodeJS.ProcessEnv = process.env): AuthorizerCacheConfig | undefined {
  if (!env.REST_API_ID || !env.API_STAGE_NAME) return undefined;
  return {
    restApiId: env.REST_API_ID,
    stageName: env.API_STAGE_NAME,
    region: env.AWS_REGION ?? 'eu-west-1',
    ...(env.APIGATEWAY_ENDPOINT ? { apiGatewayEndpoint: env.APIGATEWAY_ENDPOINT } : {}),
  };
}
