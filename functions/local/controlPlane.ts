/**
 * The one piece of API Gateway's control plane the handlers call: FlushStageAuthorizersCache
 * (`DELETE /restapis/{id}/stages/{stage}/cache/authorizers`, answered 202 as AWS answers it),
 * which clears the local server's authorizer cache. The handlers' API Gateway client is pointed
 * here by the environment (localControlPlaneEnvironment), as their DynamoDB and S3 clients are
 * pointed at the emulators; production code knows nothing of it. Not a route of the service:
 * it is outside the route table and the OpenAPI document, as the control plane is on AWS.
 * Unsigned requests are accepted: flushing a cache only makes the next requests authorize again.
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

/** Whether `pathname` is a control-plane path (`/restapis/...`), which no route of the service starts with. */
export function isControlPlanePath(pathname: string): boolean {
  return pathname.startsWith('/restapis/');
}

/** Answers a control-plane request as API Gateway would: 202 for a flush of this stage, 404 otherwise. */
export function answerControlPlane(req: IncomingMessage, res: ServerResponse, pathname: string, cache: AuthorizerCache): void {
  req.resume();
  const flush = req.method === 'DELETE' ? FLUSH_PATH.exec(pathname) : null;
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
