/**
 * The local stand-in for API Gateway: routes from the route table, the same REQUEST
 * authorizer, its answer cached per Authorization header and its policy enforced against each
 * request's method ARN as API Gateway does, the same handlers, and problem+json answers where
 * the gateway would answer itself (unknown route, missing key, a policy that does not cover
 * the request, body over the gateway's limit). It also answers the handlers' flush of its
 * authorizer cache, standing in for API Gateway's control plane (controlPlane.ts).
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { bearerToken, hashApiKey } from '../domain/apiKeys.js';
import { makeProblem, type Problem } from '../domain/problems.js';
import { MiB } from '../domain/uploadBody.js';
import { type HandlerName, routes } from '../routes.js';
import { type AuthorizerCache, authorizerCache } from './authorizerCache.js';
import { authorizerEvent, lambdaContext, matchRoute, methodArnOf, proxyEvent } from './apiGatewayEvent.js';
import { policyAllows } from './authorizerPolicy.js';
import { answerControlPlane, isControlPlaneRequest } from './controlPlane.js';
import { apiHandlers, authorizer } from './handlers.js';
import { isConsolePath, serveConsole } from './consoleAssets.js';
import { rateLimitCaller, type RateLimiter } from './rateLimit.js';
import { handlerProfiles } from '../../lib/handlerProfiles.js';

/** API Gateway REST rejects larger request bodies before any Lambda runs. */
export const GATEWAY_MAX_BODY_BYTES = 10 * MiB;

export interface LocalApiOptions {
  /** Called with one line per request (method, path, status, duration); never keys or bodies. */
  log?: (line: string) => void;
  /**
   * Per-caller rate limiting (functions/local/rateLimit.ts): charged per API key once the key
   * authenticated, else per source IP. None: no limit (the tests' default).
   */
  rateLimiter?: RateLimiter | undefined;
  /** The REQUEST authorizer (default: the service's own, functions/handlers/authorizer.ts); tests give a faulty one. */
  authorizer?: typeof authorizer;
  /** How long the authorizer's answer is cached per Authorization header (default: functions/local/authorizerCache.ts). */
  authorizerCacheSeconds?: number;
}

function send(res: ServerResponse, result: APIGatewayProxyResult): void {
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body ?? '', 'utf8');
  res.writeHead(result.statusCode, { ...(result.headers as Record<string, string>), 'content-length': String(body.length) });
  res.end(body);
}

function sendProblem(res: ServerResponse, problem: Problem, headers: Record<string, string> = {}): void {
  send(res, { statusCode: problem.status, headers: { 'content-type': 'application/problem+json', ...headers }, body: JSON.stringify(problem) });
}

/**
 * What API Gateway answers when the function times out: its DEFAULT_5XX gateway response
 * (lib/constructs/ingestApi.ts, gatewayProblems). A handler behind middy answers before that, its
 * TIMEOUT_EARLY_MS ahead (functions/observability/timeoutEarly.ts); this is for the others.
 */
const LAMBDA_TIMED_OUT = makeProblem('internal', 'Internal error.');

/**
 * The handler's answer, or undefined once its function's timeout has passed: Lambda ends the
 * invocation then. Here it runs on, unheard (a failure it meets later is only logged).
 */
async function withinTimeout<T>(answer: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<undefined>((resolve) => {
    // Unref'd: the open server keeps the process up, and a stopping one need not wait for it.
    timer = setTimeout(() => resolve(undefined), timeoutMs).unref();
  });
  try {
    const answered = await Promise.race([answer, timedOut]);
    if (!answered) answer.catch((error: unknown) => console.error('a handler failed after its timeout:', (error as Error)?.name));
    return answered;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * API Gateway's integration timeout (29 s): a client still sending its headers or body after
 * that loses the connection, instead of holding it for Node's 60 s for headers and the two
 * minutes per request this server had.
 */
export const REQUEST_TIMEOUT_MS = 29_000;
/** How often Node checks those timeouts (its default, 30 s, would let a slow client stay up to 59 s). */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

/** Reads the body up to the gateway limit; undefined when it is larger. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > GATEWAY_MAX_BODY_BYTES) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > GATEWAY_MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

/**
 * The local API's HTTP server, as `npm start` serves it (tests and the benchmark too): requests
 * time out as API Gateway's do (REQUEST_TIMEOUT_MS), and a malformed request gets a problem
 * (answerClientError).
 */
export function createLocalServer(options: LocalApiOptions = {}): Server {
  const server = createServer(
    { headersTimeout: REQUEST_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS },
    localApi(options),
  );
  server.on('clientError', answerClientError);
  return server;
}

function localApi(options: LocalApiOptions = {}): RequestListener {
  const cache = authorizerCache(options.authorizerCacheSeconds);
  return (req, res) => {
    const started = performance.now();
    res.on('finish', () => options.log?.(`${req.method} ${req.url?.split('?')[0]} ${res.statusCode} ${Math.round(performance.now() - started)}ms`));
    handle(req, res, options.rateLimiter, cache, options.authorizer ?? authorizer).catch((error: unknown) => {
      // The client went away while its body was read: nobody to answer, nothing failed here.
      if (req.destroyed && ((error as NodeJS.ErrnoException)?.code === 'ECONNRESET' || (error as Error)?.message === 'aborted')) return void res.destroy();
      console.error('local API failure', (error as Error)?.stack ?? error);
      if (!res.headersSent) sendProblem(res, makeProblem('internal', 'The local API failed to handle the request.'));
      else res.destroy();
    });
  };
}

/**
 * For `server.on('clientError')`: bytes that are not an HTTP request (a bad request line,
 * header or chunk) get a 400 problem and the connection is closed, as any other answer of the
 * API is a problem document; Node's default is a bare 400 without a body.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // Too slow (REQUEST_TIMEOUT_MS): the connection is dropped, as API Gateway drops it.
  if (!socket.writable || error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return void socket.destroy();
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const problem = tooLarge
    ? makeProblem('payload_too_large', 'The request headers are too large.')
    : makeProblem('validation_failed', 'The request is not valid HTTP/1.1.');
  const body = JSON.stringify(problem);
  socket.end(
    `HTTP/1.1 ${problem.status} ${tooLarge ? 'Payload Too Large' : 'Bad Request'}\r\n` +
      `content-type: application/problem+json\r\ncache-control: no-store\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Answers 429 when the caller's bucket is empty; true when the request may go on. */
function admit(res: ServerResponse, limiter: RateLimiter | undefined, caller: { keyHash?: string; sourceIp: string }): boolean {
  const decision = limiter?.take(rateLimitCaller(caller)) ?? { allowed: true };
  if (decision.allowed) return true;
  const who = caller.keyHash !== undefined ? 'this API key' : 'this address';
  sendProblem(res, makeProblem('throttled', `Too many requests for ${who}; retry after ${decision.retryAfterSeconds} s.`), {
    'retry-after': String(decision.retryAfterSeconds),
  });
  return false;
}

/**
 * The request target as a URL on this host. A target starting with `//` is a path here (as
 * API Gateway sees it), not another host: `new URL('//x/health', base)` would read `x` as a
 * host and route to /health, and `new URL('//', base)` throws.
 */
export function requestUrl(target = '/'): URL {
  try {
    return new URL(target.startsWith('/') ? `http://localhost${target}` : target, 'http://localhost');
  } catch {
    return new URL('http://localhost/');
  }
}

async function handle(req: IncomingMessage, res: ServerResponse, limiter: RateLimiter | undefined, cache: AuthorizerCache, authorize: typeof authorizer): Promise<void> {
  const url = requestUrl(req.url);
  // API Gateway's control plane (the handlers' cache flush), outside the route table as on AWS.
  if (isControlPlaneRequest(req.method, url.pathname)) return answerControlPlane(req, res, url.pathname, cache);
  // The staff console's static files (DESIGN.md §10), same origin as the API.
  if (isConsolePath(url.pathname)) return serveConsole(req, res, url.pathname);
  const matched = matchRoute(routes, req.method ?? 'GET', url.pathname);
  const sourceIp = req.socket.remoteAddress ?? 'unknown';
  const authenticated = matched !== undefined && matched.route.roles.length > 0;
  if (!authenticated && !admit(res, limiter, { sourceIp })) {
    req.resume();
    return;
  }
  if (!matched) {
    req.resume();
    sendProblem(res, makeProblem('not_found', `There is no route ${(req.method ?? '').slice(0, 10)} ${url.pathname.slice(0, 200)}.`));
    return;
  }
  const body = await readBody(req);
  if (body === undefined) {
    req.resume();
    sendProblem(res, makeProblem('payload_too_large', `The body exceeds the API's limit of ${GATEWAY_MAX_BODY_BYTES} bytes; use an upload session.`), { connection: 'close' });
    return;
  }
  const event = proxyEvent(req, url, matched, body, null);
  if (matched.route.roles.length > 0) {
    try {
      const authorization = event.headers.authorization;
      let result = cache.get(authorization);
      if (!result) {
        // Within the authorizer function's timeout, as on AWS: past it the gateway answers DEFAULT_5XX.
        const answered = await withinTimeout(authorize(authorizerEvent(event)), handlerProfiles.authorizer.timeoutSeconds * 1000);
        if (!answered) {
          sendProblem(res, LAMBDA_TIMED_OUT);
          return;
        }
        result = answered;
        cache.set(authorization, result);
      }
      if (!policyAllows(result, methodArnOf(event))) {
        sendProblem(res, makeProblem('forbidden', 'This API key may not call this route.'));
        return;
      }
      event.requestContext.authorizer = { principalId: result.principalId, ...(result.context as Record<string, string>) };
    } catch (error) {
      if ((error as Error).message !== 'Unauthorized') throw error;
      // Failed attempts count against the address, so keys cannot be guessed at full speed.
      if (!admit(res, limiter, { sourceIp })) return;
      sendProblem(res, makeProblem('unauthorized', 'A valid API key is required: Authorization: Bearer <key>.'), { 'www-authenticate': 'Bearer' });
      return;
    }
  }
  if (authenticated) {
    const token = bearerToken(event.headers.authorization ?? undefined);
    if (!admit(res, limiter, { keyHash: token === undefined ? undefined : hashApiKey(token), sourceIp })) return;
  }
  const name = matched.route.handler as HandlerName;
  // Each handler with its deployed function's timeout and memory, so one that overruns answers as on AWS.
  const { timeoutSeconds, memorySize } = handlerProfiles[name];
  const timeoutMs = timeoutSeconds * 1000;
  const answer = await withinTimeout(apiHandlers[name](event, lambdaContext(name, timeoutMs, memorySize)), timeoutMs);
  if (answer) send(res, answer);
  else sendProblem(res, LAMBDA_TIMED_OUT);
}
