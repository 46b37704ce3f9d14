/**
 * The Lambda REQUEST authorizer: Bearer key → IAM policy plus the caller in the context.
 * The policy covers the whole API because API Gateway caches it per Authorization header
 * across routes; each handler checks the caller's role against the route table.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { authenticate } from '../auth/authenticate.js';
import { clients } from '../store/clients.js';

/** `arn:aws:execute-api:region:account:apiId/stage/*` from a method ARN. */
export function apiWideResource(methodArn: string): string {
  const [arnPrefix, apiId, stage] = methodArn.split('/');
  return `${arnPrefix}/${apiId}/${stage}/*`;
}

export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const headers = event.headers ?? {};
  const authorization = Object.entries(headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
  const caller = await authenticate(clients(), authorization ?? undefined);
  // API Gateway answers 401 (rendered as a problem by its gateway response) for this error.
  if (!caller) throw new Error('Unauthorized');
  return {
    principalId: caller.installId ?? 'staff',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: apiWideResource(event.methodArn) }],
    },
    // A staff key's name and id: the audit actor (http/request.ts actorOf) and the self-revoke check.
    context: { role: caller.role, installId: caller.installId ?? '', customerId: caller.customerId ?? '', name: caller.name ?? '', keyId: caller.keyId ?? '' },
  };
}
