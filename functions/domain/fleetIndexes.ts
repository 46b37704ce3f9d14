/**
 * What the fleet-wide indexes hold for one install, derived from its latest devices and
 * device-versions snapshots: the device identifiers (for double licensing) and the device
 * count by type and software version. Pure; the sync that applies them is in
 * functions/services/syncFleetIndexes.ts.
 */
import type { DeviceRecord } from './queries/devices.js';
import type { DeviceVersionRecord } from './queries/deviceVersions.js';
import { MAX_HISTOGRAM_KEYS, OTHER_KEY } from './queries/histogram.js';

export const identifierKinds = ['arid', 'hardwareId', 'serialNumber'] as const;
export type IdentifierKind = (typeof identifierKinds)[number];

/** `<kind>#<value>`: kinds never contain '#', so the first '#' splits them. */
export function identifierKey(kind: IdentifierKind, value: string): string {
  return `${kind}#${value}`;
}

export function parseIdentifierKey(key: string): { kind: IdentifierKind; value: string } {
  const at = key.indexOf('#');
  return { kind: key.slice(0, at) as IdentifierKind, value: key.slice(at + 1) };
}

export function identifiersOf(devices: readonly DeviceRecord[]): Set<string> {
  const keys = new Set<string>();
  for (const device of devices) {
    for (const kind of identifierKinds) {
      const value = device[kind];
      if (value !== null) keys.add(identifierKey(kind, value));
    }
  }
  return keys;
}

/** What to add and remove to turn `held` into `wanted`: the work is proportional to the change. */
export function identifierChanges(wanted: ReadonlySet<string>, held: ReadonlySet<string>): { added: string[]; removed: string[] } {
  const added: string[] = [];
  const removed: string[] = [];
  for (const key of wanted) if (!held.has(key)) added.push(key);
  for (const key of held) if (!wanted.has(key)) removed.push(key);
  return { added, removed };
}

/** deviceType → softwareVersion → devices; a device without a version record counts under '(unknown)'. */
export type VersionHistogram = Record<string, Record<string, number>>;
export const UNKNOWN_VERSION = '(unknown)';

export function versionHistogram(devices: readonly DeviceRecord[], versions: readonly DeviceVersionRecord[]): VersionHistogram {
  const versionOf = new Map(versions.map((v) => [v.deviceId, v.softwareVersion]));
  const byType = new Map<string, Map<string, number>>();
  for (const device of devices) {
    let type = device.deviceType;
    if (!byType.has(type) && byType.size >= MAX_HISTOGRAM_KEYS - 1) type = OTHER_KEY;
    const versionsOfType = byType.get(type) ?? byType.set(type, new Map()).get(type)!;
    let version = versionOf.get(device.deviceId) ?? UNKNOWN_VERSION;
    if (!versionsOfType.has(version) && versionsOfType.size >= MAX_HISTOGRAM_KEYS - 1) version = OTHER_KEY;
    versionsOfType.set(version, (versionsOfType.get(version) ?? 0) + 1);
  }
  return Object.fromEntries([...byType].map(([type, counts]) => [type, Object.fromEntries(counts)]));
}

export interface FleetVersion {
  deviceType: string;
  softwareVersion: string;
  devices: number;
  installs: number;
}

/** The fleet-wide spread: per device type, versions by device count (most first). */
export function fleetVersions(histograms: readonly VersionHistogram[]): FleetVersion[] {
  const rows = new Map<string, FleetVersion>();
  for (const histogram of histograms) {
    for (const [deviceType, versions] of Object.entries(histogram)) {
      for (const [softwareVersion, devices] of Object.entries(versions)) {
        const key = `${deviceType}\u0000${softwareVersion}`;
        const row = rows.get(key) ?? rows.set(key, { deviceType, softwareVersion, devices: 0, installs: 0 }).get(key)!;
        row.devices += devices;
        row.installs += 1;
      }
    }
  }
  return [...rows.values()].sort((a, b) =>
    a.deviceType !== b.deviceType ? (a.deviceType < b.deviceType ? -1 : 1) : b.devices - a.devices || (a.softwareVersion < b.softwareVersion ? -1 : 1),
  );
}
