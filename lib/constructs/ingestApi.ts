/**
 * The ingest API: an API Gateway REST API built from the route table (functions/routes.ts),
 * one Lambda function per handler module, a cached Lambda REQUEST authorizer, throttling,
 * JSON access logs, RFC 9457 problem bodies for the gateway's own errors, CORS, and an
 * optional WAF web ACL.
 */
import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AuthorizationType,
  type CfnMethod,
  type CorsOptions,
  IdentitySource,
  LambdaIntegration,
  LogGroupLogDestination,
  type MethodDeploymentOptions,
  RequestAuthorizer,
  type RequestValidator,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { makeProblem, type ProblemCode } from '../../functions/domain/problems.js';
import { authorizerHandler, handlerNames as defaultHandlerNames, routes as defaultRoutes, type Route } from '../../functions/routes.js';
import type { StageConfig } from '../config.js';
import { accessLogFormat, endpointTypes, secureStageOptions } from '../defaults/apigateway-defaults.js';
import { logGroupProps } from '../defaults/logs-defaults.js';
import { profileFor } from '../handlerProfiles.js';
import { HandlerFunction, type HandlerFunctionContext } from './handlerFunction.js';

/** Media types API Gateway passes to Lambda base64-encoded and byte-exact: all of them (gzip, zip, JSON). */
export const BINARY_MEDIA_TYPES = ['*/*'];

/** The gateway's own error responses, rendered as the contract's problem documents. */
export const gatewayProblems: { type: ResponseType; status: number; code: ProblemCode; detail: string }[] = [
  { type: ResponseType.UNAUTHORIZED, status: 401, code: 'unauthorized', detail: 'A valid API key is required: Authorization: Bearer <api key>.' },
  { type: ResponseType.ACCESS_DENIED, status: 403, code: 'forbidden', detail: 'This API key may not call this route.' },
  { type: ResponseType.WAF_FILTERED, status: 403, code: 'forbidden', detail: 'The request was blocked by the web application firewall (IP reputation or a known bad input).' },
  { type: ResponseType.THROTTLED, status: 429, code: 'throttled', detail: 'Too many requests; retry later with backoff.' },
  { type: ResponseType.QUOTA_EXCEEDED, status: 429, code: 'throttled', detail: 'Request quota exceeded; retry later.' },
  { type: ResponseType.REQUEST_TOO_LARGE, status: 413, code: 'payload_too_large', detail: 'The request body exceeds what the API accepts directly; use POST /v1/upload-sessions for large bodies.' },
  { type: ResponseType.MISSING_AUTHENTICATION_TOKEN, status: 404, code: 'not_found', detail: 'No such route.' },
  { type: ResponseType.RESOURCE_NOT_FOUND, status: 404, code: 'not_found', detail: 'No such route.' },
  { type: ResponseType.UNSUPPORTED_MEDIA_TYPE, status: 415, code: 'unsupported_media_type', detail: 'Unsupported Content-Type.' },
  { type: ResponseType.BAD_REQUEST_PARAMETERS, status: 400, code: 'validation_failed', detail: 'Missing or invalid request parameters.' },
  { type: ResponseType.BAD_REQUEST_BODY, status: 400, code: 'validation_failed', detail: 'Invalid request body.' },
  { type: ResponseType.DEFAULT_4XX, status: 400, code: 'validation_failed', detail: 'The request was rejected.' },
  { type: ResponseType.INTEGRATION_TIMEOUT, status: 504, code: 'internal', detail: 'The request took too long; it may or may not have been processed. Retrying an upload is safe.' },
  { type: ResponseType.DEFAULT_5XX, status: 500, code: 'internal', detail: 'Internal error.' },
];

/**
 * A gateway response's problem document: its `status` is the status the gateway answers with
 * (504 for INTEGRATION_TIMEOUT, whose code `internal` alone would say 500).
 */
export function gatewayProblemBody(status: number, code: ProblemCode, detail: string): ReturnType<typeof makeProblem> {
  return { ...makeProblem(code, detail), status };
}

export interface IngestApiProps {
  config: StageConfig;
  functionContext: HandlerFunctionContext;
  /** Default: the route table of functions/routes.ts. */
  routes?: readonly Route[];
}

export class IngestApi extends Construct {
  readonly api: RestApi;
  readonly accessLogGroup: LogGroup;
  /** The stage's execution log group, named as API Gateway names it, with the stage's retention. */
  readonly executionLogGroup: LogGroup;
  readonly authorizer: RequestAuthorizer;
  readonly authorizerFunction: HandlerFunction;
  /** One function per distinct handler module of the route table. */
  readonly functions: ReadonlyMap<string, HandlerFunction>;
  readonly webAcl: CfnWebACL | undefined;
  /** Validates every method's parameters (also the console's, lib/constructs/consoleSite.ts). */
  readonly requestValidator: RequestValidator;

  constructor(scope: Construct, id: string, props: IngestApiProps) {
    super(scope, id);
    const { config, functionContext } = props;
    const routes = props.routes ?? defaultRoutes;
    const handlerNames = props.routes ? [...new Set(routes.map((r) => r.handler))] : defaultHandlerNames;

    const functions = new Map<string, HandlerFunction>();
    for (const name of handlerNames) {
      functions.set(name, new HandlerFunction(this, `Handler-${name}`, name, functionContext));
    }
    this.functions = functions;
    this.authorizerFunction = new HandlerFunction(this, 'Authorizer', authorizerHandler, functionContext);

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', logGroupProps(config.logRetentionDays, functionContext.removalPolicy));

    const cors: CorsOptions | undefined =
      config.allowedOrigins.length > 0
        ? {
            allowOrigins: config.allowedOrigins,
            allowMethods: [...new Set(routes.map((r) => r.method))],
            allowHeaders: ['Authorization', 'Content-Type', 'Content-Encoding'],
            maxAge: Duration.hours(1),
          }
        : undefined;

    this.api = new RestApi(this, 'Api', {
      restApiName: `mpa-licensing-${config.stage}`,
      description: `MPA licensing upload service (${config.stage})`,
      endpointTypes,
      binaryMediaTypes: BINARY_MEDIA_TYPES,
      // No minCompressionSize: with compression on, API Gateway would inflate gzip request bodies
      // before Lambda sees them, defeating the 6 MB limit and the contract's size checks.
      cloudWatchRole: config.apiGatewayCloudWatchRole,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: config.stage,
        ...secureStageOptions,
        accessLogDestination: new LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat,
        throttlingRateLimit: config.throttleRateLimit,
        throttlingBurstLimit: config.throttleBurstLimit,
        methodOptions: methodThrottles(routes, config),
      },
      ...(cors ? { defaultCorsPreflightOptions: cors } : {}),
    });

    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The account-level role API Gateway assumes to deliver access and execution logs (config apiGatewayCloudWatchRole); ' +
          'AWS documents this managed policy for exactly that role, and the role is assumable only by apigateway.amazonaws.com.',
      });
    }

    this.authorizer = new RequestAuthorizer(this, 'KeyAuthorizer', {
      authorizerName: `mpa-licensing-${config.stage}-api-key`,
      handler: this.authorizerFunction.function,
      identitySources: [IdentitySource.header('Authorization')],
      // Keyed on the Authorization header; the policy covers the whole API, so one cached
      // answer serves every route. Writes that take access away flush it (grantAuthorizerCacheFlush);
      // should a flush fail, the old key keeps working up to this long.
      resultsCacheTtl: Duration.seconds(config.authorizerCacheTtlSeconds),
    });

    // The gateway validates parameters (path parameters, the Authorization header). Body
    // validation is switched on but no method declares a model: bodies arrive base64-encoded
    // (gzip, zip, JSON) and are validated by the handlers against the contract.
    const validator = this.api.addRequestValidator('ParameterValidator', {
      requestValidatorName: 'parameters',
      validateRequestParameters: true,
      validateRequestBody: true,
    });

    this.requestValidator = validator;
    for (const route of routes) this.addRoute(route, functions, validator);
    this.grantAuthorizerCacheFlush(functions, config.stage);

    if (cors) {
      // With binaryMediaTypes */* the preflight's mock integration would see a binary request and
      // skip its mapping template (500 instead of 204); make it text.
      for (const method of this.api.methods) {
        if (method.httpMethod === 'OPTIONS') {
          (method.node.defaultChild as CfnMethod).addPropertyOverride('Integration.ContentHandling', 'CONVERT_TO_TEXT');
        }
      }
    }

    this.addGatewayResponses(config);

    // API Gateway writes execution logs (secureStageOptions' loggingLevel) to a group it creates
    // itself on first use, which never expires; created here first, it keeps logRetentionDays.
    // The stage depends on it, so it exists before the stage can log.
    this.executionLogGroup = new LogGroup(this, 'ExecutionLogs', {
      ...logGroupProps(config.logRetentionDays, functionContext.removalPolicy),
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${config.stage}`,
    });
    this.api.deploymentStage.node.addDependency(this.executionLogGroup);

    if (config.waf) {
      this.webAcl = this.addWebAcl(config);
    } else {
      this.webAcl = undefined;
      Validations.of(this.api).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason: `WAF is switched off for stage ${config.stage} by configuration (waf=false), e.g. a short-lived developer stage; production stages keep the default waf=true.`,
      });
    }

    if (cors) {
      Validations.of(this.api).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: 'CORS preflight (OPTIONS) methods are answered by a mock integration and must work without credentials (browsers send no Authorization header on preflight).',
      });
    }
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-COG4',
      reason:
        'Callers are MPA installs and staff tools with service-issued API keys (DESIGN.md §3), not Cognito users; ' +
        'authorization is the Lambda REQUEST authorizer on every route except GET /health (and CORS preflight).',
    });
  }

  private addRoute(route: Route, functions: Map<string, HandlerFunction>, validator: RequestValidator): void {
    const fn = functions.get(route.handler);
    if (!fn) throw new Error(`No function for handler ${route.handler}`);
    const resource = this.api.root.resourceForPath(route.path);
    const pathParameters = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
    const requestParameters: Record<string, boolean> = Object.fromEntries(
      pathParameters.map((p) => [`method.request.path.${p}`, true]),
    );
    const authenticated = route.roles.length > 0;
    if (authenticated) requestParameters['method.request.header.Authorization'] = true;

    const method = resource.addMethod(route.method, new LambdaIntegration(fn.function, { proxy: true, allowTestInvoke: false }), {
      operationName: route.handler,
      requestValidator: validator,
      requestParameters,
      ...(authenticated
        ? { authorizer: this.authorizer, authorizationType: AuthorizationType.CUSTOM }
        : { authorizationType: AuthorizationType.NONE }),
    });
    if (!authenticated) {
      const profile = profileFor(route.handler);
      const touchesData = profile.table !== 'none' || (profile.raw?.length ?? 0) > 0 || (profile.incoming?.length ?? 0) > 0;
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          `${route.method} ${route.path} ("${route.summary}") is public by the route table (functions/routes.ts, roles: []), ` +
          (touchesData ? 'so its handler must not disclose data.' : 'and its function has no access to any table or bucket.'),
      });
    }
  }

  /**
   * Functions that revoke access flush the stage's authorizer cache after their change
   * (functions/store/authorizerCache.ts): the API's id and the stage's name in their
   * environment, and `apigateway:DELETE` on that one stage's `cache/authorizers`. Only the
   * RestApi's id is referenced (the stage name is the configured string): a reference to the
   * Deployment or Stage would make them depend on the functions their methods depend on, a cycle.
   */
  private grantAuthorizerCacheFlush(functions: ReadonlyMap<string, HandlerFunction>, stageName: string): void {
    for (const fn of functions.values()) {
      if (!fn.profile.flushesAuthorizerCache) continue;
      fn.function.addEnvironment('REST_API_ID', this.api.restApiId);
      fn.function.addEnvironment('API_STAGE_NAME', stageName);
      fn.role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: 'FlushAuthorizerCache',
          actions: ['apigateway:DELETE'],
          resources: [authorizerCacheArn(this.api.restApiId, stageName)],
        }),
      );
    }
  }

  private addGatewayResponses(config: StageConfig): void {
    const corsHeaders: Record<string, string> =
      config.allowedOrigins.length === 1 ? { 'Access-Control-Allow-Origin': `'${config.allowedOrigins[0]}'`, Vary: "'Origin'" } : {};
    for (const { type, status, code, detail } of gatewayProblems) {
      const extraHeaders: Record<string, string> = {
        ...(status === 401 ? { 'WWW-Authenticate': "'Bearer'" } : {}),
        ...(status === 429 ? { 'Retry-After': "'1'" } : {}),
      };
      this.api.addGatewayResponse(`Problem-${type.responseType}`, {
        type,
        statusCode: String(status),
        responseHeaders: { 'Content-Type': "'application/problem+json'", ...corsHeaders, ...extraHeaders },
        templates: { 'application/json': JSON.stringify(gatewayProblemBody(status, code, detail)) },
      });
    }
  }

  private addWebAcl(config: StageConfig): CfnWebACL {
    const webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      description: `MPA licensing ${config.stage}: per-key and per-IP rate limits, AWS managed reputation rules`,
      visibilityConfig: wafMetric(config, 'web-acl'),
      customResponseBodies: { [THROTTLED_BODY_KEY]: { contentType: 'APPLICATION_JSON', content: JSON.stringify(makeProblem('throttled', WAF_THROTTLED_DETAIL)) } },
      rules: webAclRules(config),
    });
    new CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: webAcl.attrArn,
    });
    return webAcl;
  }
}

/** The ARN API Gateway authorizes FlushStageAuthorizersCache against (a control-plane `DELETE` on it). */
export function authorizerCacheArn(restApiId: string, stageName: string): string {
  return `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}::/restapis/${restApiId}/stages/${stageName}/cache/authorizers`;
}

/**
 * The custom response body of the WAF rate rules (a problem document, `throttled`). Its
 * Content-Type is `application/json`, not `application/problem+json`: WAF's custom response
 * bodies take only text/plain, text/html or application/json (docs/deploy.md, the one exception).
 */
export const THROTTLED_BODY_KEY = 'throttled';
export const WAF_THROTTLED_DETAIL = 'Too many requests from this API key or address; retry after the time in Retry-After.';
/** WAF rate rules judge the last 5 minutes and re-evaluate about every 10 seconds: a minute is a fair wait. */
export const WAF_RETRY_AFTER_SECONDS = 60;

const wafMetric = (config: StageConfig, name: string) => ({
  cloudWatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName: `mpa-licensing-${config.stage}-${name}`,
});

/** A rate rule's block: `429 throttled` with Retry-After, as the contract answers throttling everywhere. */
const throttledBlock = {
  block: {
    customResponse: {
      responseCode: 429,
      customResponseBodyKey: THROTTLED_BODY_KEY,
      responseHeaders: [{ name: 'Retry-After', value: String(WAF_RETRY_AFTER_SECONDS) }],
    },
  },
};

/**
 * The web ACL's rules, in order: a rate limit per API key (requests aggregated by their
 * Authorization header; requests without one are left to the next rule), a rate limit per
 * IP, then AWS managed rules. Rate limits per key sit here rather than in API Gateway usage
 * plans: see docs/reliability.md.
 */
export function webAclRules(config: StageConfig): CfnWebACL.RuleProperty[] {
  const managed = (name: string, priority: number): CfnWebACL.RuleProperty => ({
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
    visibilityConfig: wafMetric(config, name),
  });
  return [
    {
      name: 'per-key-rate-limit',
      priority: 0,
      action: throttledBlock,
      statement: {
        rateBasedStatement: {
          limit: config.wafRateLimitPerKeyPer5Min,
          evaluationWindowSec: 300,
          aggregateKeyType: 'CUSTOM_KEYS',
          customKeys: [{ header: { name: 'authorization', textTransformations: [{ priority: 0, type: 'NONE' }] } }],
        },
      },
      visibilityConfig: wafMetric(config, 'per-key-rate-limit'),
    },
    {
      name: 'per-ip-rate-limit',
      priority: 1,
      action: throttledBlock,
      statement: { rateBasedStatement: { limit: config.wafRateLimitPer5Min, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
      visibilityConfig: wafMetric(config, 'per-ip-rate-limit'),
    },
    managed('AWSManagedRulesAmazonIpReputationList', 2),
    // Not the common rule set: its 8 KB body size rule would block every real upload.
    managed('AWSManagedRulesKnownBadInputsRuleSet', 3),
  ];
}

/** Per-method throttles: upload routes and staff routes get their own limits. */
function methodThrottles(routes: readonly Route[], config: StageConfig): Record<string, MethodDeploymentOptions> {
  // A method override replaces the stage settings for that method, so it repeats the logging ones.
  const { loggingLevel, dataTraceEnabled, metricsEnabled } = secureStageOptions;
  const base: MethodDeploymentOptions = { loggingLevel, dataTraceEnabled, metricsEnabled };
  const options: Record<string, MethodDeploymentOptions> = {};
  for (const route of routes) {
    const key = `${route.path}/${route.method}`;
    if (profileFor(route.handler).upload) {
      options[key] = { ...base, throttlingRateLimit: config.uploadRateLimit, throttlingBurstLimit: config.uploadBurstLimit };
    } else if (route.roles.length > 0 && route.roles.every((r) => r === 'staff')) {
      options[key] = { ...base, throttlingRateLimit: config.staffRateLimit, throttlingBurstLimit: config.staffBurstLimit };
    }
  }
  return options;
}
