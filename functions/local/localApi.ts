/**
 * The local stand-in for API Gateway: routes from the route table, the same REQUEST
 * authorizer, the same handlers, and problem+json answers where the gateway would answer
 * itself (unknown route, missing key, body over the gateway's limit).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { makeProblem, type Problem } from '../domain/problems.js';
import { MiB } from '../domain/uploadBody.js';
import { type HandlerName, routes } from '../routes.js';
import { authorizerEvent, lambdaContext, matchRoute, proxyEvent } from './apiGatewayEvent.js';
import { apiHandlers, authorizer } from './handlers.js';

/** API Gateway REST rejects larger request bodies before any Lambda runs. */
export const GATEWAY_MAX_BODY_BYTES = 10 * MiB;

export interface LocalApiOptions {
  /** Called with one line per request (method, path, status, duration); never keys or bodies. */
  log?: (line: string) => void;
}

function send(res: ServerResponse, result: APIGatewayProxyResult): void {
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body ?? '', 'utf8');
  res.writeHead(result.statusCode, { ...(result.headers as Record<string, string>), 'content-length': String(body.length) });
  res.end(body);
}

function sendProblem(res: ServerResponse, problem: Problem, headers: Record<string, string> = {}): void {
  send(res, { statusCode: problem.status, headers: { 'content-type': 'application/problem+json', ...headers }, body: JSON.stringify(problem) });
}

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

export function localApi(options: LocalApiOptions = {}): RequestListener {
  return (req, res) => {
    const started = performance.now();
    res.on('finish', () => options.log?.(`${req.method} ${req.url?.split('?')[0]} ${res.statusCode} ${Math.round(performance.now() - started)}ms`));
    handle(req, res).catch((error: unknown) => {
      console.error('local API failure', (error as Error)?.stack ?? error);
      if (!res.headersSent) sendProblem(res, makeProblem('internal', 'The local API failed to handle the request.'));
      else res.destroy();
    });
  };
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const matched = matchRoute(routes, req.method ?? 'GET', url.pathname);
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
      const result = await authorizer(authorizerEvent(event));
      event.requestContext.authorizer = { principalId: result.principalId, ...(result.context as Record<string, string>) };
    } catch (error) {
      if ((error as Error).message !== 'Unauthorized') throw error;
      sendProblem(res, makeProblem('unauthorized', 'A valid API key is required: Authorization: Bearer <key>.'), { 'www-authenticate': 'Bearer' });
      return;
    }
  }
  const handler = apiHandlers[matched.route.handler as HandlerName];
  send(res, await handler(event, lambdaContext(matched.route.handler)));
}
