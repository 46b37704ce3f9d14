/** Helpers to read a synthesized CloudFormation template. */

export interface CfnResource {
  Type: string;
  Properties?: any;
  [key: string]: any;
}
export type Resources = Record<string, CfnResource>;

export function ofType(resources: Resources, type: string): [string, CfnResource][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

/** Logical ids referenced (Ref / Fn::GetAtt) anywhere inside a value. */
export function referencedIds(value: unknown): Set<string> {
  const ids = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'Ref' && typeof x === 'string') ids.add(x);
        else if (k === 'Fn::GetAtt' && Array.isArray(x) && typeof x[0] === 'string') ids.add(x[0]);
        else walk(x);
      }
    }
  };
  walk(value);
  return ids;
}

/** The one logical id of a type whose id starts with a prefix. */
export function idOf(resources: Resources, type: string, prefix: string): string {
  const found = ofType(resources, type).filter(([id]) => id.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${found.map(([id]) => id).join(', ')}`);
  return found[0]![0];
}

/** Lambda functions of the service by handler name (from the description "... (handlerName)"). */
export function functionsByHandler(resources: Resources): Map<string, [string, CfnResource]> {
  const map = new Map<string, [string, CfnResource]>();
  for (const [id, fn] of ofType(resources, 'AWS::Lambda::Function')) {
    const match = /\((\w+)\)$/.exec(String(fn.Properties?.Description ?? ''));
    if (match) map.set(match[1]!, [id, fn]);
  }
  return map;
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** All Allow statements of the IAM policies attached to a role. */
/** The role's statements of one effect (Allow unless said). */
export function roleStatements(resources: Resources, roleId: string, effect: 'Allow' | 'Deny' = 'Allow'): Statement[] {
  const statements: Statement[] = [];
  for (const [, policy] of ofType(resources, 'AWS::IAM::Policy')) {
    const roles = (policy.Properties.Roles ?? []) as unknown[];
    if (roles.some((r) => referencedIds(r).has(roleId))) statements.push(...policy.Properties.PolicyDocument.Statement);
  }
  const role = resources[roleId];
  for (const inline of role?.Properties?.Policies ?? []) statements.push(...inline.PolicyDocument.Statement);
  return statements.filter((s) => s.Effect === effect);
}

export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
export const resourcesOf = (s: Statement): unknown[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

export function roleOfFunction(fn: CfnResource): string {
  const [roleId] = [...referencedIds(fn.Properties.Role)];
  if (!roleId) throw new Error('function without role reference');
  return roleId;
}

/** Full path of an API Gateway resource, from its PathPart chain. */
export function resourcePath(resources: Resources, resourceIdValue: unknown): string {
  const parts: string[] = [];
  let current: unknown = resourceIdValue;
  for (;;) {
    const refs = [...referencedIds(current)];
    const id = refs[0];
    const resource = id ? resources[id] : undefined;
    if (resource?.Type !== 'AWS::ApiGateway::Resource') break;
    parts.unshift(resource.Properties.PathPart);
    current = resource.Properties.ParentId;
  }
  return `/${parts.join('/')}`;
}
