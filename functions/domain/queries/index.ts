/** The registry of the twelve query types of DESIGN.md §1. */
import { defined } from '../defined.js';
import { callQuality } from './callQuality.js';
import { completedSchedules } from './completedSchedules.js';
import { containerLicenseStates } from './containerLicenseStates.js';
import { containers } from './containers.js';
import { deviceLicenseStates } from './deviceLicenseStates.js';
import { devices } from './devices.js';
import { deviceVersions } from './deviceVersions.js';
import { eventCounts } from './eventCounts.js';
import { licensingCounts } from './licensingCounts.js';
import { probes } from './probes.js';
import type { OptionalQueryType, QueryType } from './queryTypes.js';
import type { QuerySpec } from './types.js';
import { userActions } from './userActions.js';
import { userCounts } from './userCounts.js';

export { isOptionalQueryType, isQueryType, optionalQueryTypes, parseQueryType, type QueryType, queryTypes } from './queryTypes.js';

export const querySpecs = [
  callQuality,
  completedSchedules,
  userActions,
  containerLicenseStates,
  containers,
  deviceLicenseStates,
  deviceVersions,
  devices,
  eventCounts,
  licensingCounts,
  probes,
  userCounts,
] as const;

// The specs carry exactly the names of queryTypes.ts (a type error otherwise): no spec without
// a name, no name without a spec.
type SpecQueryType = (typeof querySpecs)[number]['queryType'];
const specsNameExactlyTheQueryTypes: [SpecQueryType] extends [QueryType] ? ([QueryType] extends [SpecQueryType] ? true : never) : never = true;
void specsNameExactlyTheQueryTypes;

// Likewise the specs marked optional are exactly the optionalQueryTypes of queryTypes.ts.
type OptionalSpecQueryType = Extract<(typeof querySpecs)[number], { optional: true }>['queryType'];
const optionalSpecsAreExactlyTheOptionalTypes: [OptionalSpecQueryType] extends [OptionalQueryType]
  ? [OptionalQueryType] extends [OptionalSpecQueryType]
    ? true
    : never
  : never = true;
void optionalSpecsAreExactlyTheOptionalTypes;

const specByType = new Map<string, QuerySpec>(querySpecs.map((spec) => [spec.queryType, spec as unknown as QuerySpec]));

export function querySpec(queryType: QueryType): QuerySpec {
  return defined(specByType.get(queryType), `the spec of query type ${queryType}`);
}
