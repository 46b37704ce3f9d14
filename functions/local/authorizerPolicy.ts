/**
 * API Gateway does not trust a Lambda authorizer's answer blindly: it evaluates the returned
 * policy document against the method ARN of each request (including requests answered from
 * the authorizer cache, whose policy was made for the first request of that header), and
 * answers 403 ACCESS_DENIED where the policy does not allow `execute-api:Invoke` on it. The
 * local server does the same, so a policy narrower than meant (e.g. one method only) fails here
 * as it would on AWS, instead of being ignored.
 */
import type { APIGatewayAuthorizerResult } from 'aws-lambda';

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
}

/** IAM's wildcard match: `*` any run of characters (slashes too), `?` any one character; case-sensitive. */
function wildcardMatches(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The statement covers invoking this method ARN (actions match case-insensitively, as IAM's do). */
function covers(statement: Statement, methodArn: string): boolean {
  const action = list(statement.Action).some((a) => wildcardMatches(a.toLowerCase(), 'execute-api:invoke'));
  return action && list(statement.Resource).some((resource) => wildcardMatches(resource, methodArn));
}

/**
 * Whether the authorizer's policy lets this request through, as API Gateway decides it: an
 * explicit Deny covering the method ARN wins; otherwise an Allow must cover it.
 */
export function policyAllows(result: APIGatewayAuthorizerResult, methodArn: string): boolean {
  const statements = (result.policyDocument?.Statement ?? []) as Statement[];
  const covering = statements.filter((s) => covers(s, methodArn));
  if (covering.some((s) => s.Effect === 'Deny')) return false;
  return covering.some((s) => s.Effect === 'Allow');
}
