/**
 * The Lambda REQUEST authorizer: Bearer key → IAM policy plus the caller in the context.
 * The policy covers the whole API because API Gateway caches it per Authorization header
 * across routes; each handler checks the caller's role against the route table.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { authenticate } from '../auth/authenticate.js';
import { recordAuthorizerFailure } from '../observability/index.js';
import { clients } from '../store/clients.js';

/**
 * `arn:aws:execute-api:region:account:apiId/stage/*` from a method ARN
 * (`arn:aws:execute-api:region:account:apiId/stage/METHOD/path`): the API id ends the ARN's
 * first `/`-separated part, so the stage is the second; the method is not kept, since the
 * cached answer serves the same key on every method and route.
 */
export function apiWideResource(methodArn: string): string {
  const [apiArn, stage] = methodArn.split('/');
  return `${apiArn}/${stage}/*`;
}

export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const headers = event.headers ?? {};
  const authorization = Object.entries(headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
  let caller: Awaited<ReturnType<typeof authenticate>>;
  try {
    caller = await authenticate(clients(), authorization ?? undefined);
  } catch (error) {
    // The key could not be looked up: a real failure (a wrong key is not one), counted for the alarm.
    recordAuthorizerFailure(error);
    throw error;
  }
  // API Gateway answers 401 (rendered as a problem by its gateway response) for this error.
  if (!caller) throw new Error('Unauthorized');
  return {
    principalId: caller.role === 'install' ? caller.installId : 'staff',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: apiWideResource(event.methodArn) }],
    },
    // An install's id and customer; a staff key's name and id: the audit actor (http/request.ts
    // actorOf) and the self-revoke check. Each role's own fields only.
    context:
      caller.role === 'staff'
        ? { role: caller.role, name: caller.name, keyId: caller.keyId ?? '' }
        : { role: caller.role, installId: caller.installId, customerId: caller.customerId ?? '' },
  };
}
