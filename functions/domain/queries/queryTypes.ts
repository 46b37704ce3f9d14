/**
 * The names of the twelve query types of DESIGN.md §1, apart from their specs (./index.ts) so
 * that code which only names or checks a type (routes, listings) does not load the record
 * schemas. ./index.ts fails to compile unless its specs carry exactly these names.
 */
import { ProblemError } from '../problems.js';

const names = [
  'call-quality',
  'completed-schedules',
  'user-actions',
  'container-license-states',
  'containers',
  'device-license-states',
  'device-versions',
  'devices',
  'event-counts',
  'licensing-counts',
  'probes',
  'user-counts',
] as const;

export type QueryType = (typeof names)[number];

export const queryTypes: readonly QueryType[] = names;

const known = new Set<string>(names);

export function isQueryType(value: string): value is QueryType {
  return known.has(value);
}

/**
 * The optional query types (accepted only while usage data collection is enabled): the specs
 * marked `optional: true`, named here so that opting out and upload sessions need no record
 * schemas. ./index.ts fails to compile unless exactly these specs are optional.
 */
const optionalNames = ['call-quality', 'completed-schedules', 'user-actions'] as const satisfies readonly QueryType[];

export type OptionalQueryType = (typeof optionalNames)[number];

export const optionalQueryTypes: readonly QueryType[] = optionalNames;

const optional = new Set<string>(optionalNames);

export function isOptionalQueryType(queryType: QueryType): boolean {
  return optional.has(queryType);
}

/**
 * The license-state query types: the specs with an expiry histogram (`expiries`), whose latest
 * summaries the expiring report reads. Named here so that install lifecycle changes need no
 * record schemas; test/unit/queryRegistry.test.ts checks that exactly these specs have one.
 */
const licenseStateNames = ['container-license-states', 'device-license-states'] as const satisfies readonly QueryType[];

export const licenseStateQueryTypes: readonly QueryType[] = licenseStateNames;

export function parseQueryType(value: string): QueryType {
  if (!isQueryType(value)) throw new ProblemError('unknown_query_type', `There is no query type named '${value.slice(0, 64)}'; the twelve are: ${queryTypes.join(', ')}.`);
  return value;
}
