/**
 * The house wrapper for API handlers: middy with problem responses, the route table's role
 * check and the bounds of every path and query parameter (parameterBounds.ts), so each
 * handler is only "parse, call the domain, map to HTTP".
 */
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { isProblemError, ProblemError } from '../domain/problems.js';
import type { Role } from '../domain/roles.js';
import { type HandlerName, routes } from '../routes.js';
import { type Clients, clients } from '../store/clients.js';
import { logger, observability } from '../observability/index.js';
import { corsHeaders } from './cors.js';
import { parameterCheck } from './parameterBounds.js';
import { type Caller, callerOf, decodedPathParameters } from './request.js';
import { internalErrorResponse, problemResponse } from './response.js';
import { timeoutEarlyMs } from '../observability/timeoutEarly.js';

/** The roles the route table admits to a handler's route. */
type RolesOf<N extends HandlerName> = Extract<(typeof routes)[number], { handler: N }>['roles'][number];

/** The caller a handler can meet: one of its route's roles, so an install-only route sees an install. */
export type CallerOf<N extends HandlerName> = Extract<Caller, { role: RolesOf<N> }>;

export interface HttpRequest<C extends Caller = Caller> {
  event: APIGatewayProxyEvent;
  /** The authenticated caller, of one of the route's roles (requireCaller checked it). */
  caller: C;
  now: Date;
  clients: Clients;
}

export type HttpHandler = middy.MiddyfiedHandler<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>;

/** Maps thrown ProblemErrors to their problem; anything else to a bare 500 that leaks nothing. */
export function problemResponses(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      const error = request.error;
      if (isProblemError(error)) {
        request.response = problemResponse(error.problem, error.headers);
        return;
      }
      logger.error('unhandled error', error as Error);
      request.response = internalErrorResponse();
    },
  };
}

function routeOf(name: HandlerName): { roles: readonly Role[]; path: string } {
  const route = routes.find((r) => r.handler === name);
  if (!route) throw new Error(`No route uses handler ${name}`);
  return route;
}

export function requireCaller(caller: Caller | undefined, roles: readonly Role[]): Caller {
  if (!caller) throw new ProblemError('unauthorized', 'A valid API key is required: Authorization: Bearer <key>.');
  if (!roles.includes(caller.role)) throw new ProblemError('forbidden', `This route is for ${roles.join(' or ')} keys.`);
  return caller;
}

export function httpHandler<N extends HandlerName>(name: N, fn: (request: HttpRequest<CallerOf<N>>) => Promise<APIGatewayProxyResult>): HttpHandler {
  const { roles, path } = routeOf(name);
  const checkParameters = parameterCheck(path);
  // Public routes answer through http/staticAnswer.ts; a caller here is always an authorized one.
  if (roles.length === 0) throw new Error(`${name} is a public route: use staticJsonHandler`);
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>({
    timeoutEarlyInMillis: timeoutEarlyMs(),
  })
    .use(observability())
    .use(corsHeaders())
    .use(problemResponses())
    .handler(async (event) => {
      // requireCaller admitted only the route's roles, which is what CallerOf<N> says.
      const caller = requireCaller(callerOf(event), roles) as CallerOf<N>;
      // Decoded once (the gateway passes them as sent: request.ts), then every path and query
      // parameter within its bounds before the handler sees it (parameterBounds.ts).
      event.pathParameters = decodedPathParameters(event.pathParameters);
      checkParameters(event);
      return fn({ event, caller, now: new Date(), clients: clients() });
    });
}
