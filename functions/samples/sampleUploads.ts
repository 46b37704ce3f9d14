/**
 * Realistic, valid sample data for all twelve query types of one install, of any size:
 * for trying the service, for tests and for benchmarks. Deterministic for a given seed.
 */
import { createHash } from 'node:crypto';
import { defined } from '../domain/defined.js';
import type { QueryType } from '../domain/queries/index.js';

export interface SampleOptions {
  /** Number of devices (default 50); other types scale with it. */
  devices?: number;
  /** Seed for the pseudo-random choices and the anonymized ids. */
  seed?: string;
  /** collectedAt of the envelope (default: now, to the second). */
  collectedAt?: string;
  mpaVersion?: string;
}

export interface SampleEnvelope {
  schemaVersion: 1;
  collectedAt: string;
  mpaVersion: string;
  records: Record<string, unknown>[];
}

const DEVICE_TYPES = ['MiVoice 6920', 'MiVoice 6930', 'MiVoice 6940', 'MiVoice Business', 'MiCollab', 'MiVoice Border Gateway', 'SIP trunk', 'IP Console'];
const SCHEDULE_TYPES = ['backup', 'config-audit', 'firmware-check', 'report'];
const SOFTWARE_VERSIONS = ['6.0.1.10', '6.1.0.4', '6.2.0.12', '9.4.0.101', '10.0.0.28'];
const LICENSING_ITEMS = ['IPT users', 'Devices', 'Probes', 'Voice quality streams', 'Report recipients'];

/** A small deterministic generator (mulberry32) seeded by a string. */
export function random(seed: string): () => number {
  return mulberry32(createHash('sha256').update(seed).digest().readUInt32LE(0));
}

/** mulberry32: small, fast, deterministic; numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An anonymized identifier: base64url of a hash. */
export function token(...parts: (string | number)[]): string {
  return createHash('sha256').update(parts.join(':')).digest('base64url').slice(0, 22);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function sampleRecords(queryType: QueryType, options: SampleOptions = {}): Record<string, unknown>[] {
  const devices = options.devices ?? 50;
  const seed = options.seed ?? 'sample';
  const collectedAt = options.collectedAt ?? `${new Date().toISOString().slice(0, 19)}Z`;
  const today = collectedAt.slice(0, 10);
  const rand = random(`${seed}:${queryType}`);
  const pick = <T>(list: readonly T[]): T => defined(list[Math.floor(rand() * list.length)], 'an item of a sample list');
  const containers = Math.max(1, Math.ceil(devices / 25));
  const probes = Math.max(1, Math.ceil(devices / 500));
  const containerId = (i: number) => token(seed, 'container', i);
  const deviceId = (i: number) => `dev-${String(i).padStart(7, '0')}`;
  const deviceTypeOf = (i: number) => defined(DEVICE_TYPES[i % DEVICE_TYPES.length], 'a sample device type');
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);

  switch (queryType) {
    case 'devices':
      return range(devices).map((i) => ({
        deviceId: deviceId(i),
        deviceType: deviceTypeOf(i),
        containerId: containerId(i % containers),
        probeId: i % 7 === 0 ? null : token(seed, 'probe', i % probes),
        arid: i % 3 === 0 ? null : String(10_000_000 + i),
        hardwareId: `HW-${(i * 7919).toString(16).toUpperCase().padStart(8, '0')}`,
        serialNumber: i % 2 === 0 ? `SN${String(i).padStart(9, '0')}` : null,
      }));
    case 'device-license-states':
      return range(devices).map((i) => {
        const licensed = rand() < 0.95;
        return { deviceId: deviceId(i), licensed, unlicensedOn: licensed ? (rand() < 0.3 ? addDays(today, 1 + Math.floor(rand() * 120)) : null) : addDays(today, -Math.floor(rand() * 30)) };
      });
    case 'container-license-states':
      return range(containers).map((i) => ({ containerId: containerId(i), licensed: true, unlicensedOn: i % 4 === 0 ? addDays(today, 10 + i) : null }));
    case 'containers':
      // A forest: container 0 is the root, the others hang below the one before them in blocks of 5.
      return range(containers).map((i) => ({ containerId: containerId(i), parentId: i === 0 ? null : containerId(Math.floor((i - 1) / 5)) }));
    case 'device-versions':
      return range(devices).map((i) => ({ deviceId: deviceId(i), softwareVersion: pick(SOFTWARE_VERSIONS), hardwareVersion: i % 5 === 0 ? null : `rev ${1 + (i % 4)}` }));
    case 'event-counts':
      return range(devices).map((i) => ({ deviceId: deviceId(i), events: Math.floor(rand() * 500) }));
    case 'licensing-counts':
      return LICENSING_ITEMS.map((item, i) => ({ item, count: Math.ceil(devices / (i + 1)) }));
    case 'probes':
      return range(probes).map((i) => ({
        probeId: token(seed, 'probe', i),
        lastCheckIn: new Date(Date.parse(collectedAt) - (i % 10 === 9 ? 3 * 86_400_000 : Math.floor(rand() * 3_600_000))).toISOString(),
        restartsToday: Math.floor(rand() * 3),
      }));
    case 'user-counts': {
      const users = Math.ceil(devices * 0.8);
      return [{ users, activeUsers: Math.floor(users * 0.7), reportRecipients: Math.min(25, Math.ceil(users / 100)) }];
    }
    case 'call-quality':
      return DEVICE_TYPES.map((deviceType) => {
        const streams = Math.floor(rand() * devices * 10);
        return {
          deviceType,
          streams,
          poorStreams: Math.floor(streams * rand() * 0.05),
          avgMos: Math.round((3.5 + rand() * 1.0) * 100) / 100,
          avgRFactor: Math.round((70 + rand() * 20) * 10) / 10,
          avgJitterMs: Math.round(rand() * 300) / 10,
          avgPacketLossPct: Math.round(rand() * 200) / 100,
          avgLatencyMs: Math.round(rand() * 1500) / 10,
        };
      });
    case 'completed-schedules':
      return DEVICE_TYPES.slice(0, 4).flatMap((deviceType) => SCHEDULE_TYPES.map((scheduleType) => ({ deviceType, scheduleType, completed: Math.floor(rand() * 50) })));
    case 'user-actions':
      return range(Math.ceil(devices / 2)).map((i) => ({ userHash: token(seed, 'user', i), actions: Math.floor(rand() * 200) }));
  }
}

export function sampleUpload(queryType: QueryType, options: SampleOptions = {}): SampleEnvelope {
  const collectedAt = options.collectedAt ?? `${new Date().toISOString().slice(0, 19)}Z`;
  return {
    schemaVersion: 1,
    collectedAt,
    mpaVersion: options.mpaVersion ?? '3.4.1.12',
    records: sampleRecords(queryType, { ...options, collectedAt }),
  };
}
