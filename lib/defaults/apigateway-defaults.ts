/** Secure defaults for API Gateway REST APIs. */
import { AccessLogFormat, EndpointType, MethodLoggingLevel, type StageOptions } from 'aws-cdk-lib/aws-apigateway';

/**
 * JSON access log line. Carries who called (installId and role from the authorizer) and how
 * it went, never a header value or body: the Authorization header does not appear here.
 */
export const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    extendedRequestId: '$context.extendedRequestId',
    requestTime: '$context.requestTimeEpoch',
    ip: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    method: '$context.httpMethod',
    resourcePath: '$context.resourcePath',
    path: '$context.path',
    protocol: '$context.protocol',
    status: '$context.status',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationStatus: '$context.integration.status',
    errorType: '$context.error.responseType',
    errorMessage: '$context.error.message',
    authorizerStatus: '$context.authorizer.status',
    authorizerLatency: '$context.authorizer.latency',
    authorizerError: '$context.authorizer.error',
    role: '$context.authorizer.role',
    installId: '$context.authorizer.installId',
    wafStatus: '$context.waf.status',
    xrayTraceId: '$context.xrayTraceId',
  }),
);

export const endpointTypes = [EndpointType.REGIONAL];

/**
 * Stage defaults: execution logs at ERROR without request/response data (bodies would
 * otherwise land in CloudWatch), detailed metrics, X-Ray.
 */
export const secureStageOptions: StageOptions = {
  loggingLevel: MethodLoggingLevel.ERROR,
  dataTraceEnabled: false,
  metricsEnabled: true,
  tracingEnabled: true,
};
