/**
 * The one piece of API Gateway's control plane the handlers call: FlushStageAuthorizersCache
 * (`DELETE /restapis/{id}/stages/{stage}/cache/authorizers`, answered 202 as AWS answers it),
 * which clears the local server's authorizer cache. The handlers' API Gateway client is pointed
 * here by the environment (localControlPlaneEnvironment), as their DynamoDB and S3 clients are
 * pointed at the emulators; production code knows nothing of it. Not a route of the service:
 * it is outside the route table and the OpenAPI document, as the control plane is on AWS.
 * Unsigned requests are accepted: flushing a cache only makes the next requests authorize again.
 * Only the flush itself is answered here; any other request under /restapis is the service's (404).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthorizerCache } from './authorizerCache.js';

/** The local server's REST API id and stage name (any fixed words: there is one API). */
export const LOCAL_REST_API_ID = 'local';
export const LOCAL_STAGE_NAME = 'local';

/** The environment that points the handlers' API Gateway client at the local server at `url`. */
export function localControlPlaneEnvironment(url: string): Record<string, string> {
  return { APIGATEWAY_ENDPOINT: url, REST_API_ID: LOCAL_REST_API_ID, API_STAGE_NAME: LOCAL_STAGE_NAME };
}

const FLUSH_PATH = /^\/restapis\/([^/]+)\/stages\/([^/]+)\/cache\/authorizers$/;

/**
 * Whether the request is a FlushStageAuthorizersCache (`DELETE /restapis/{id}/stages/{stage}/cache/authorizers`),
 * a path no route of the service has; any other request is the service's to answer (a 404 problem).
 */
export function isControlPlaneRequest(method: string | undefined, pathname: string): boolean {
  return method === 'DELETE' && FLUSH_PATH.test(pathname);
}

/** Answers a flush as API Gateway would: 202 for this server's API and stage, 404 NotFoundException for another. */
export function answerControlPlane(req: IncomingMessage, res: ServerResponse, pathname: string, cache: AuthorizerCache): void {
  req.resume();
  const flush = FLUSH_PATH.exec(pathname);
  if (flush && flush[1] === LOCAL_REST_API_ID && flush[2] === LOCAL_STAGE_NAME) {
    cache.clear();
    res.writeHead(202, { 'content-length': '0' });
    res.end();
    return;
  }
  const body = JSON.stringify({ message: 'Invalid REST API identifier or stage specified' });
  res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'NotFoundException', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}
