/**
 * Summaries of DESIGN.md §3, one per query type, on small hand-made uploads; and every
 * sampleUpload of every type validates.
 */
import fc from 'fast-check';
import { Histogram, MAX_HISTOGRAM_KEYS, OTHER_KEY, histogramOf } from '../../functions/domain/queries/histogram.js';
import { type QueryType, queryTypes } from '../../functions/domain/queries/index.js';
import { addDays } from '../../functions/domain/calendarDates.js';
import { sampleRecords, sampleUpload } from '../../functions/samples/sampleUploads.js';
import { type Rec, COLLECTED_AT, envelope, tok, validate } from './helpers.js';

const summaryOf = (queryType: QueryType, records: Rec[], overrides: Rec = {}, now?: Date) =>
  validate(queryType, envelope(records, overrides), now ? { now } : {}).summary;

describe('devices: { total, byType, byIdentifier }', () => {
  const device = (i: number, deviceType: string, ids: { arid?: string; hardwareId?: string; serialNumber?: string }) => ({
    deviceId: `dev-${i}`,
    deviceType,
    containerId: tok('c'),
    probeId: null,
    arid: ids.arid ?? null,
    hardwareId: ids.hardwareId ?? null,
    serialNumber: ids.serialNumber ?? null,
  });

  it('counts types and identifiers', () => {
    const records = [
      device(1, 'MiVoice 6930', { arid: '12345', serialNumber: 'SN1' }),
      device(2, 'MiVoice 6930', { hardwareId: 'HW2' }),
      device(3, 'MiCollab', { arid: '67890', hardwareId: 'HW3', serialNumber: 'SN3' }),
      device(4, 'IP Console', { serialNumber: 'SN4' }),
    ];
    expect(summaryOf('devices', records)).toEqual({
      total: 4,
      byType: { 'IP Console': 1, MiCollab: 1, 'MiVoice 6930': 2 },
      byIdentifier: { arid: 2, hardwareId: 2, serialNumber: 3 },
    });
  });

  it('of no devices', () => {
    expect(summaryOf('devices', [])).toEqual({ total: 0, byType: {}, byIdentifier: { arid: 0, hardwareId: 0, serialNumber: 0 } });
  });
});

describe.each(['device-license-states', 'container-license-states'] as const)('%s: LS counted against collectedAt', (queryType) => {
  const state = (i: number, licensed: boolean, unlicensedOn: string | null) => ({
    ...(queryType === 'device-license-states' ? { deviceId: `dev-${i}` } : { containerId: tok('container', i) }),
    licensed,
    unlicensedOn,
  });

  it('counts licensed, unlicensed, the next date and those expiring within 30 days', () => {
    // collectedAt 2026-11-28: +30 days is 2026-12-28.
    const records = [
      state(1, true, null),
      state(2, true, '2026-12-28'), // 30 days: within
      state(3, true, '2026-12-29'), // 31 days: not within
      state(4, true, '2026-12-01'),
      state(5, true, '2027-06-01'),
      state(6, false, '2026-11-01'), // unlicensed: neither next nor expiring
      state(7, false, null),
      state(8, false, '2026-11-30'),
    ];
    expect(summaryOf(queryType, records)).toEqual({ licensed: 5, unlicensed: 3, nextUnlicensedOn: '2026-12-01', expiringWithin30Days: 2 });
  });

  it('counts a licensed record unlicensed on the day of collection as expiring and next', () => {
    expect(summaryOf(queryType, [state(1, true, '2026-11-28'), state(2, true, '2026-11-29')])).toEqual({
      licensed: 2,
      unlicensed: 0,
      nextUnlicensedOn: '2026-11-28',
      expiringWithin30Days: 2,
    });
  });

  it('has no next date when no licensed record has one', () => {
    expect(summaryOf(queryType, [state(1, true, null), state(2, false, '2026-11-01')])).toEqual({
      licensed: 1,
      unlicensed: 1,
      nextUnlicensedOn: null,
      expiringWithin30Days: 0,
    });
  });

  it('of no records', () => {
    expect(summaryOf(queryType, [])).toEqual({ licensed: 0, unlicensed: 0, nextUnlicensedOn: null, expiringWithin30Days: 0 });
  });

  it('counts the window from the date of collectedAt, across a month and a year end', () => {
    const collectedAt = '2026-12-15T10:00:00Z';
    const records = [state(1, true, '2027-01-14'), state(2, true, '2027-01-15')];
    expect(summaryOf(queryType, records, { collectedAt }, new Date(collectedAt))).toEqual({
      licensed: 2,
      unlicensed: 0,
      nextUnlicensedOn: '2027-01-14',
      expiringWithin30Days: 1,
    });
  });
});

describe('addDays', () => {
  it.each([
    ['2026-11-28', 30, '2026-12-28'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2027-02-28', 1, '2027-03-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-29', 1, '2026-03-30'],
  ] as const)('%s + %d = %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });
});

describe('containers: { total, roots, maxDepth }', () => {
  const c = (id: string, parent: string | null) => ({ containerId: `container-${id}`, parentId: parent === null ? null : `container-${parent}` });

  it('counts roots and the depth of the deepest container (a root has depth 1)', () => {
    const records = [c('r1', null), c('a', 'r1'), c('b', 'a'), c('x', 'r1'), c('r2', null), c('r3', null), c('y', 'r3')];
    expect(summaryOf('containers', records)).toEqual({ total: 7, roots: 3, maxDepth: 3 });
  });

  it('of a single root', () => {
    expect(summaryOf('containers', [c('r1', null)])).toEqual({ total: 1, roots: 1, maxDepth: 1 });
  });

  it('of no containers', () => {
    expect(summaryOf('containers', [])).toEqual({ total: 0, roots: 0, maxDepth: 0 });
  });
});

describe('device-versions: { total, bySoftwareVersion }', () => {
  it('counts software versions', () => {
    const records = [
      { deviceId: 'd1', softwareVersion: '6.1.0.4', hardwareVersion: 'rev 1' },
      { deviceId: 'd2', softwareVersion: '9.4.0.101', hardwareVersion: null },
      { deviceId: 'd3', softwareVersion: '6.1.0.4', hardwareVersion: 'rev 2' },
    ];
    const summary = summaryOf('device-versions', records);
    expect(summary).toEqual({ total: 3, bySoftwareVersion: { '6.1.0.4': 2, '9.4.0.101': 1 } });
  });
});

describe('event-counts: { devices, totalEvents, maxEvents }', () => {
  it('sums and finds the maximum', () => {
    const records = [{ deviceId: 'd1', events: 5 }, { deviceId: 'd2', events: 0 }, { deviceId: 'd3', events: 12 }];
    expect(summaryOf('event-counts', records)).toEqual({ devices: 3, totalEvents: 17, maxEvents: 12 });
  });

  it('of no devices', () => {
    expect(summaryOf('event-counts', [])).toEqual({ devices: 0, totalEvents: 0, maxEvents: 0 });
  });
});

describe('licensing-counts: { items }', () => {
  it('maps each item to its count', () => {
    const records = [{ item: 'IPT users', count: 40 }, { item: 'Devices', count: 50 }, { item: 'Probes', count: 0 }];
    expect(summaryOf('licensing-counts', records)).toEqual({ items: { Devices: 50, 'IPT users': 40, Probes: 0 } });
  });
});

describe('probes: { total, restartsToday, staleProbes }', () => {
  it('counts probes with no check-in in the 24 h before collectedAt as stale', () => {
    const probe = (i: number, lastCheckIn: string, restartsToday: number) => ({ probeId: tok('probe', i), lastCheckIn, restartsToday });
    const records = [
      probe(1, '2026-11-28T01:30:00Z', 2), // 30 minutes before: fresh
      probe(2, '2026-11-28T02:30:00+01:00', 0), // the same instant with an offset: fresh
      probe(3, '2026-11-27T02:00:01Z', 1), // 1 s under 24 h: fresh
      probe(4, '2026-11-27T01:59:59Z', 0), // 1 s over 24 h: stale
      probe(5, '2026-11-25T02:00:00Z', 4), // 3 days: stale
      probe(6, '2026-11-27T02:59:59+01:00', 0), // 01:59:59Z the day before: stale
    ];
    expect(summaryOf('probes', records)).toEqual({ total: 6, restartsToday: 7, staleProbes: 3 });
  });

  it('of no probes', () => {
    expect(summaryOf('probes', [])).toEqual({ total: 0, restartsToday: 0, staleProbes: 0 });
  });
});

describe('user-counts: as sent', () => {
  it('is the one record', () => {
    expect(summaryOf('user-counts', [{ users: 120, activeUsers: 80, reportRecipients: 4 }])).toEqual({ users: 120, activeUsers: 80, reportRecipients: 4 });
  });
});

describe('call-quality: { streams, poorStreams, avgMos } (stream-weighted)', () => {
  const cq = (deviceType: string, streams: number, poorStreams: number, avgMos: number) => ({
    deviceType,
    streams,
    poorStreams,
    avgMos,
    avgRFactor: 80,
    avgJitterMs: 1,
    avgPacketLossPct: 0.1,
    avgLatencyMs: 20,
  });

  it('weights avgMos by streams; records without streams do not count', () => {
    const records = [cq('A', 100, 3, 4.0), cq('B', 300, 10, 3.0), cq('C', 0, 0, 1.0)];
    expect(summaryOf('call-quality', records)).toEqual({ streams: 400, poorStreams: 13, avgMos: 3.25 });
  });

  it('has avgMos null when no stream was measured', () => {
    expect(summaryOf('call-quality', [cq('A', 0, 0, 4.0), cq('B', 0, 0, 2.0)])).toEqual({ streams: 0, poorStreams: 0, avgMos: null });
    expect(summaryOf('call-quality', [])).toEqual({ streams: 0, poorStreams: 0, avgMos: null });
  });
});

describe('completed-schedules: { completed, byScheduleType }', () => {
  it('sums completed per schedule type across device types', () => {
    const records = [
      { deviceType: 'A', scheduleType: 'backup', completed: 3 },
      { deviceType: 'B', scheduleType: 'backup', completed: 4 },
      { deviceType: 'A', scheduleType: 'report', completed: 10 },
      { deviceType: 'A', scheduleType: 'config-audit', completed: 0 },
    ];
    expect(summaryOf('completed-schedules', records)).toEqual({ completed: 17, byScheduleType: { backup: 7, 'config-audit': 0, report: 10 } });
  });
});

describe('user-actions: { users, actions }', () => {
  it('counts users and sums actions', () => {
    const records = [{ userHash: tok('u', 1), actions: 5 }, { userHash: tok('u', 2), actions: 0 }, { userHash: tok('u', 3), actions: 37 }];
    expect(summaryOf('user-actions', records)).toEqual({ users: 3, actions: 42 });
  });
});

describe('summaries stay bounded (DESIGN.md §6)', () => {
  it('folds histogram keys beyond the limit into one', () => {
    const records = Array.from({ length: 1200 }, (_, i) => ({ key: `k${String(i).padStart(4, '0')}` }));
    const histogram = histogramOf(records, (r) => r.key);
    expect(Object.keys(histogram)).toHaveLength(MAX_HISTOGRAM_KEYS);
    expect(histogram[OTHER_KEY]).toBe(1200 - (MAX_HISTOGRAM_KEYS - 1));
    expect(Object.values(histogram).reduce((a, b) => a + b, 0)).toBe(1200);
  });

  it('sums runs of one key exactly as it sums key by key, past the limit and with OTHER_KEY itself sent', () => {
    // The histogram sums a run of one key before looking it up; the reference looks up every key.
    const reference = (adds: [string, number][]) => {
      const sums = new Map<string, number>();
      for (const [key, amount] of adds) {
        const sum = sums.get(key);
        if (sum === undefined && sums.size >= MAX_HISTOGRAM_KEYS - 1) sums.set(OTHER_KEY, (sums.get(OTHER_KEY) ?? 0) + amount);
        else sums.set(key, (sum ?? 0) + amount);
      }
      return Object.fromEntries([...sums].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    };
    const key = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 2000 }).map((i) => `k${i}`), weight: 30 }, { arbitrary: fc.constant(OTHER_KEY), weight: 1 });
    const run = fc.tuple(key, fc.integer({ min: 1, max: 5 }), fc.integer({ min: -3, max: 3 }));
    let pastTheBound = 0;
    fc.assert(
      fc.property(fc.array(run, { minLength: 600, maxLength: 1500, size: 'max' }), (runs) => {
        const adds = runs.flatMap(([k, length, amount]) => Array.from({ length }, () => [k, amount] as [string, number]));
        if (new Set(runs.map(([k]) => k)).size > MAX_HISTOGRAM_KEYS) pastTheBound += 1;
        const histogram = new Histogram();
        for (const [k, amount] of adds) histogram.add(k, amount);
        const sorted = histogram.sorted();
        expect(sorted).toEqual(reference(adds));
        expect(Object.keys(sorted)).toEqual(Object.keys(reference(adds)));
        // Added to after a sorted(): the run goes on from the sums as they were.
        histogram.add(adds.at(-1)?.[0] ?? 'x', 2);
        expect(histogram.sorted()).toEqual(reference([...adds, [adds.at(-1)?.[0] ?? 'x', 2]]));
      }),
      // 600 to 1,500 runs of 2,001 keys: most cases past the 500-key bound (counted below), with keys repeated; a failure is reported unshrunk (shrinking such arrays takes minutes).
      { numRuns: 100, endOnFailure: true },
    );
    expect(pastTheBound).toBeGreaterThan(50);
  });

  it('keeps the byType of 2,000 distinct device types bounded and its total exact', () => {
    const records = Array.from({ length: 2000 }, (_, i) => ({
      deviceId: `dev-${i}`,
      deviceType: `type ${i}`,
      containerId: tok('c'),
      probeId: null,
      arid: null,
      hardwareId: `HW${i}`,
      serialNumber: null,
    }));
    const summary = summaryOf('devices', records) as { total: number; byType: Record<string, number> };
    expect(summary.total).toBe(2000);
    expect(Object.keys(summary.byType).length).toBeLessThanOrEqual(MAX_HISTOGRAM_KEYS);
    expect(Object.values(summary.byType).reduce((a, b) => a + b, 0)).toBe(2000);
  });

  it('gives equal summaries for the same records in another order', () => {
    const records = sampleRecords('device-versions', { devices: 200, collectedAt: COLLECTED_AT });
    const a = summaryOf('device-versions', records);
    const b = summaryOf('device-versions', [...records].reverse());
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});

describe('sampleUpload', () => {
  describe.each([...queryTypes])('%s', (queryType) => {
    it.each([1, 7, 50, 1000])('validates with %d devices', (devices) => {
      const upload = sampleUpload(queryType, { devices, seed: `seed-${devices}`, collectedAt: COLLECTED_AT });
      const result = validate(queryType, upload);
      expect(result.recordCount).toBe(upload.records.length);
      expect(result.summary).toBeDefined();
    });

    it('validates with the default collectedAt (now) and seed', () => {
      const upload = sampleUpload(queryType);
      expect(() => validate(queryType, upload, { now: new Date() })).not.toThrow();
    });

    it('validates with an offset collectedAt', () => {
      const collectedAt = '2026-11-28T03:00:00+01:00';
      expect(() => validate(queryType, sampleUpload(queryType, { collectedAt }))).not.toThrow();
    });

    it('is deterministic for a seed', () => {
      const a = sampleUpload(queryType, { devices: 30, seed: 's', collectedAt: COLLECTED_AT });
      const b = sampleUpload(queryType, { devices: 30, seed: 's', collectedAt: COLLECTED_AT });
      expect(b).toEqual(a);
    });
  });

  it('gives summaries consistent across the types of one install', () => {
    const options = { devices: 100, seed: 'consistency', collectedAt: COLLECTED_AT };
    const devices = validate('devices', sampleUpload('devices', options)).summary as { total: number };
    const versions = validate('device-versions', sampleUpload('device-versions', options)).summary as { total: number };
    const states = validate('device-license-states', sampleUpload('device-license-states', options)).summary as { licensed: number; unlicensed: number };
    expect(devices.total).toBe(100);
    expect(versions.total).toBe(100);
    expect(states.licensed + states.unlicensed).toBe(100);
  });
});
