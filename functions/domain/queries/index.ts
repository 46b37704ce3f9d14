/** The registry of the twelve query types of DESIGN.md §1. */
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
import type { QuerySpec } from './types.js';
import { userActions } from './userActions.js';
import { userCounts } from './userCounts.js';

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

export type QueryType = (typeof querySpecs)[number]['queryType'];

export const queryTypes: readonly QueryType[] = querySpecs.map((spec) => spec.queryType as QueryType);

const specByType = new Map<string, QuerySpec>(querySpecs.map((spec) => [spec.queryType, spec as unknown as QuerySpec]));

export function isQueryType(value: string): value is QueryType {
  return specByType.has(value);
}

export function querySpec(queryType: QueryType): QuerySpec {
  return specByType.get(queryType)!;
}

export const optionalQueryTypes: readonly QueryType[] = queryTypes.filter((t) => querySpec(t).optional);
