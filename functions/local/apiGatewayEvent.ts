/** Node HTTP requests as API Gateway REST (v1) proxy events, the way the deployed API builds them. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import type { Route } from '../routes.js';

export interface MatchedRoute {
  route: Route;
  pathParameters: Record<string, string>;
}

/** Matches a path against route templates such as `/v1/installs/{installId}/uploads`; parameters as sent. */
export function matchRoute(routes: readonly Route[], method: string, path: string): MatchedRoute | undefined {
  const segments = path.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const template = route.path.split('/');
    if (template.length !== segments.length) continue;
    const pathParameters: Record<string, string> = {};
    let matched = true;
    for (const [i, part] of template.entries()) {
      if (!matched) break;
      const segment = segments[i] ?? '';
      if (part.startsWith('{') && part.endsWith('}')) {
        // As sent, percent-encoded, as API Gateway's REST API hands them to Lambda: the handlers'
        // wrapper decodes them (functions/http/request.ts decodedPathParameters), here as there.
        if (segment === '') matched = false;
        else pathParameters[part.slice(1, -1)] = segment;
      } else if (part !== segment) matched = false;
    }
    if (matched) return { route, pathParameters };
  }
  return undefined;
}

/**
 * Header and query maps as API Gateway delivers them: plain objects whose own keys are the
 * names sent, whatever they are. Built from Maps with Object.fromEntries, which defines own
 * properties: assigning `object[name]` would instead call the `__proto__` setter, or find
 * `constructor` and `toString` on Object.prototype.
 */
function headersOf(req: IncomingMessage) {
  const values = Object.entries(req.headersDistinct).filter((entry): entry is [string, string[]] => entry[1] !== undefined);
  return {
    headers: Object.fromEntries(values.map(([name, list]) => [name, list.at(-1) ?? ''])) as Record<string, string>,
    multiValueHeaders: Object.fromEntries(values) as Record<string, string[]>,
  };
}

function queryOf(url: URL) {
  if (url.search === '') return { queryStringParameters: null, multiValueQueryStringParameters: null };
  const multi = new Map<string, string[]>();
  for (const [name, value] of url.searchParams) multi.set(name, [...(multi.get(name) ?? []), value]);
  return {
    queryStringParameters: Object.fromEntries([...multi].map(([name, list]) => [name, list.at(-1) ?? ''])) as Record<string, string>,
    multiValueQueryStringParameters: Object.fromEntries(multi) as Record<string, string[]>,
  };
}

export function proxyEvent(req: IncomingMessage, url: URL, matched: MatchedRoute, body: Buffer, authorizer: Record<string, string> | null): APIGatewayProxyEvent {
  const method = req.method ?? 'GET';
  const requestId = randomUUID();
  return {
    resource: matched.route.path,
    path: url.pathname,
    httpMethod: method,
    ...headersOf(req),
    ...queryOf(url),
    pathParameters: Object.keys(matched.pathParameters).length > 0 ? matched.pathParameters : null,
    stageVariables: null,
    // The deployed API treats every media type as binary, so bodies arrive base64-encoded.
    body: body.length > 0 ? body.toString('base64') : null,
    isBase64Encoded: body.length > 0,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer,
      httpMethod: method,
      identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1' } as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/local${url.pathname}`,
      protocol: `HTTP/${req.httpVersion}`,
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: matched.route.path,
      stage: 'local',
    },
  };
}

/**
 * The request's method ARN as API Gateway forms it: `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}`,
 * the path as requested (not the resource's template).
 */
export function methodArnOf(event: APIGatewayProxyEvent): string {
  return `arn:aws:execute-api:local:000000000000:local/local/${event.httpMethod}${event.path}`;
}

export function authorizerEvent(event: APIGatewayProxyEvent): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: methodArnOf(event),
    resource: event.resource,
    path: event.path,
    httpMethod: event.httpMethod,
    headers: event.headers as Record<string, string>,
    multiValueHeaders: event.multiValueHeaders as Record<string, string[]>,
    pathParameters: event.pathParameters,
    queryStringParameters: event.queryStringParameters,
    multiValueQueryStringParameters: event.multiValueQueryStringParameters,
    stageVariables: null,
    requestContext: event.requestContext,
  } as APIGatewayRequestAuthorizerEvent;
}

/**
 * The context Lambda gives an invocation of `functionName`: its remaining time counts down from
 * the function's timeout (middy answers TIMEOUT_EARLY_MS before it runs out, as deployed).
 */
export function lambdaContext(functionName: string, timeoutMs: number, memoryLimitInMB = 1769): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: String(memoryLimitInMB),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
