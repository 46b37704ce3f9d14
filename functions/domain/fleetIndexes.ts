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

/**
 * Identifiers are kept in buckets: each install has one item per bucket that holds its
 * identifiers there (docs/storage.md), so a first snapshot of any size costs at most
 * IDENTIFIER_BUCKETS item writes (BatchWriteItem, 25 a request) and a one-device change
 * rewrites at most six buckets. 2,048 keeps a bucket's item of a 1,000,000-device snapshot
 * near 20 KB (of DynamoDB's 400 KB) while a first snapshot takes 82 write requests.
 * Changing the count or the hash moves every identifier: a migration, never an edit.
 */
export const IDENTIFIER_BUCKETS = 2048;

/** The bucket of an identifier key: FNV-1a (32 bits) of its UTF-16 code units. */
export function identifierBucket(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % IDENTIFIER_BUCKETS;
}

/** Identifier keys by bucket, each bucket's keys sorted (so two bucketings compare key by key). */
export function identifiersByBucket(keys: Iterable<string>): Map<number, string[]> {
  const buckets = new Map<number, string[]>();
  for (const key of keys) {
    const bucket = identifierBucket(key);
    const inBucket = buckets.get(bucket);
    if (inBucket) inBucket.push(key);
    else buckets.set(bucket, [key]);
  }
  for (const inBucket of buckets.values()) inBucket.sort();
  return buckets;
}

/** The buckets whose keys differ between two bucketings (of one install's snapshots). */
export function changedBuckets(wanted: ReadonlyMap<number, readonly string[]>, held: ReadonlyMap<number, readonly string[]>): number[] {
  const changed = new Set<number>();
  for (const [bucket, keys] of wanted) {
    const before = held.get(bucket);
    if (!before || before.length !== keys.length || keys.some((key, i) => key !== before[i])) changed.add(bucket);
  }
  for (const bucket of held.keys()) if (!wanted.has(bucket)) changed.add(bucket);
  return [...changed].sort((a, b) => a - b);
}

/** Identifier key → the installs holding it (sorted), for the keys held by two or more of `holders` (install → its keys). */
export function duplicatesAmong(holders: ReadonlyMap<string, Iterable<string>>): Map<string, string[]> {
  const installsOf = new Map<string, string[]>();
  for (const [installId, keys] of [...holders].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (const key of keys) {
      const installs = installsOf.get(key);
      if (installs) installs.push(installId);
      else installsOf.set(key, [installId]);
    }
  }
  for (const [key, installs] of installsOf) if (installs.length < 2) installsOf.delete(key);
  return installsOf;
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
    let versionsOfType = byType.get(type);
    if (!versionsOfType) byType.set(type, (versionsOfType = new Map()));
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

/**
 * A row's place in the versions report (device type, most devices first, then version) as one
 * string that sorts as the report does, so a page can resume after the row its cursor names: rows
 * that uploads add or move between two pages then shift no other row. Each text part is written
 * so that it cannot run into the next (a `\0` doubled as `\0\x01`, then `\0\0` to end it), which
 * keeps the order of the parts whatever their characters.
 */
export function versionRowKey(row: FleetVersion): string {
  return `${orderedPart(row.deviceType)}${String(MAX_FLEET_DEVICES - row.devices).padStart(15, '0')}${orderedPart(row.softwareVersion)}`;
}
const orderedPart = (text: string) => `${text.replaceAll('\u0000', '\u0000\u0001')}\u0000\u0000`;
/** More devices than any fleet reports (an install reports at most MAX_RECORDS). */
const MAX_FLEET_DEVICES = 999_999_999_999_999;

/** The fleet-wide spread: per device type, versions by device count (most first), in versionRowKey's order. */
export function fleetVersions(histograms: readonly VersionHistogram[]): FleetVersion[] {
  const rows = new Map<string, FleetVersion>();
  for (const histogram of histograms) {
    for (const [deviceType, versions] of Object.entries(histogram)) {
      for (const [softwareVersion, devices] of Object.entries(versions)) {
        const key = `${orderedPart(deviceType)}${softwareVersion}`;
        let row = rows.get(key);
        if (!row) rows.set(key, (row = { deviceType, softwareVersion, devices: 0, installs: 0 }));
        row.devices += devices;
        row.installs += 1;
      }
    }
  }
  const keyed = [...rows.values()].map((row) => ({ row, key: versionRowKey(row) }));
  return keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((entry) => entry.row);
}
