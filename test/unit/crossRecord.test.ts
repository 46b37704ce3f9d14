/**
 * Rules across the records of one upload (DESIGN.md §1): uniqueness per upload, user-counts'
 * exactly one record, the containers forest, licensed records unlicensed before collectedAt,
 * and the limit of 100 entries in a problem's `errors`.
 */
import type { QueryType } from '../../functions/domain/queries/index.js';
import { type Rec, COLLECTED_AT, envelope, pathsOf, problemOf, recordsProblem, tok, validate } from './helpers.js';

describe('uniqueness per upload', () => {
  /** Two records that differ except in the unique key, and the path reported for the repeat. */
  const duplicates: [QueryType, Rec, Rec, string][] = [
    ['call-quality', { deviceType: 'MiCollab', streams: 1, poorStreams: 0, avgMos: 4, avgRFactor: 80, avgJitterMs: 1, avgPacketLossPct: 0, avgLatencyMs: 20 }, { deviceType: 'MiCollab', streams: 9, poorStreams: 1, avgMos: 3, avgRFactor: 70, avgJitterMs: 2, avgPacketLossPct: 1, avgLatencyMs: 30 }, 'deviceType'],
    ['completed-schedules', { deviceType: 'MiCollab', scheduleType: 'backup', completed: 1 }, { deviceType: 'MiCollab', scheduleType: 'backup', completed: 2 }, 'deviceType'],
    ['user-actions', { userHash: tok('u'), actions: 1 }, { userHash: tok('u'), actions: 2 }, 'userHash'],
    ['container-license-states', { containerId: tok('c'), licensed: true, unlicensedOn: null }, { containerId: tok('c'), licensed: false, unlicensedOn: '2026-01-01' }, 'containerId'],
    ['containers', { containerId: tok('c'), parentId: null }, { containerId: tok('c'), parentId: null }, 'containerId'],
    ['device-license-states', { deviceId: 'dev-1', licensed: true, unlicensedOn: null }, { deviceId: 'dev-1', licensed: false, unlicensedOn: null }, 'deviceId'],
    ['device-versions', { deviceId: 'dev-1', softwareVersion: '6.0', hardwareVersion: null }, { deviceId: 'dev-1', softwareVersion: '6.1', hardwareVersion: 'rev 1' }, 'deviceId'],
    ['devices', { deviceId: 'dev-1', deviceType: 'A', containerId: tok('c'), probeId: null, arid: '12345', hardwareId: null, serialNumber: null }, { deviceId: 'dev-1', deviceType: 'B', containerId: tok('d'), probeId: tok('p'), arid: null, hardwareId: 'HW', serialNumber: null }, 'deviceId'],
    ['event-counts', { deviceId: 'dev-1', events: 1 }, { deviceId: 'dev-1', events: 2 }, 'deviceId'],
    ['licensing-counts', { item: 'IPT users', count: 1 }, { item: 'IPT users', count: 2 }, 'item'],
    ['probes', { probeId: tok('p'), lastCheckIn: '2026-11-28T01:00:00Z', restartsToday: 0 }, { probeId: tok('p'), lastCheckIn: '2026-11-28T01:30:00Z', restartsToday: 1 }, 'probeId'],
  ];

  /** A variant of `record` whose unique key differs. */
  function distinct(record: Rec, field: string): Rec {
    const value = record[field] as string;
    return { ...record, [field]: field.endsWith('Id') || field === 'userHash' ? tok('other', value) : `${value} 2` };
  }

  describe.each(duplicates)('%s', (queryType, first, second, field) => {
    it(`rejects a repeated ${field}, reporting the repeat`, () => {
      const problem = recordsProblem(queryType, [first, second]);
      expect(problem.code).toBe('validation_failed');
      expect(problem.errors).toEqual([{ path: `records[1].${field}`, message: expect.stringContaining('records[0]') }]);
    });

    it('reports every repeat, not only the first', () => {
      const problem = recordsProblem(queryType, [first, distinct(first, field), second, first]);
      expect(pathsOf(problem)).toEqual([`records[2].${field}`, `records[3].${field}`]);
    });

    it(`accepts distinct ${field}s`, () => {
      expect(() => validate(queryType, envelope([first, distinct(second, field)]))).not.toThrow();
    });
  });

  it('is case-sensitive (ids are opaque)', () => {
    expect(() =>
      validate('device-versions', envelope([
        { deviceId: 'dev-a', softwareVersion: '1', hardwareVersion: null },
        { deviceId: 'DEV-A', softwareVersion: '1', hardwareVersion: null },
      ])),
    ).not.toThrow();
  });

  it('finds repeats in sorted and unsorted uploads alike (sorted ones skip the set)', () => {
    const event = (id: string) => ({ deviceId: id, events: 1 });
    const sorted = ['dev-1', 'dev-2', 'dev-3', 'dev-4'];
    expect(() => validate('event-counts', envelope(sorted.map(event)))).not.toThrow();
    expect(() => validate('event-counts', envelope([...sorted].reverse().map(event)))).not.toThrow();
    expect(pathsOf(recordsProblem('event-counts', ['dev-1', 'dev-2', 'dev-2', 'dev-3'].map(event)))).toEqual(['records[2].deviceId']);
    expect(pathsOf(recordsProblem('event-counts', ['dev-3', 'dev-1', 'dev-2', 'dev-1'].map(event)))).toEqual(['records[3].deviceId']);
  });

  it('does not make other fields unique (devices may share a containerId, arid, type)', () => {
    const device = (i: number) => ({ deviceId: `dev-${i}`, deviceType: 'A', containerId: tok('c'), probeId: tok('p'), arid: '12345', hardwareId: 'HW', serialNumber: 'SN' });
    expect(() => validate('devices', envelope([device(1), device(2)]))).not.toThrow();
  });

  describe('completed-schedules: the pair (deviceType, scheduleType)', () => {
    const rec = (deviceType: string, scheduleType: string) => ({ deviceType, scheduleType, completed: 1 });

    it('accepts the same deviceType with different scheduleTypes', () => {
      expect(() => validate('completed-schedules', envelope([rec('A', 'backup'), rec('A', 'report'), rec('A', 'config-audit')]))).not.toThrow();
    });

    it('accepts the same scheduleType on different deviceTypes', () => {
      expect(() => validate('completed-schedules', envelope([rec('A', 'backup'), rec('B', 'backup')]))).not.toThrow();
    });

    it('accepts swapped values', () => {
      expect(() => validate('completed-schedules', envelope([rec('A', 'B'), rec('B', 'A')]))).not.toThrow();
    });

    it('rejects a repeated pair among others', () => {
      const problem = recordsProblem('completed-schedules', [rec('A', 'backup'), rec('A', 'report'), rec('B', 'backup'), rec('A', 'report')]);
      expect(problem.code).toBe('validation_failed');
      expect(problem.errors).toEqual([{ path: 'records[3].deviceType', message: expect.stringContaining('records[1]') }]);
    });

    it('does not confuse pairs whose concatenation is equal', () => {
      expect(() => validate('completed-schedules', envelope([rec('a\u0000b', 'c'), rec('a', 'b\u0000c')]))).not.toThrow();
      expect(() => validate('completed-schedules', envelope([rec('ab', 'c'), rec('a', 'bc')]))).not.toThrow();
    });
  });
});

describe('user-counts: exactly one record', () => {
  const one = { users: 10, activeUsers: 5, reportRecipients: 1 };

  it('accepts one record', () => {
    expect(validate('user-counts', envelope([one])).recordCount).toBe(1);
  });

  it.each([
    ['no record', []],
    ['two records', [one, one]],
    ['two different records', [one, { users: 1, activeUsers: 1, reportRecipients: 0 }]],
    ['three records', [one, one, one]],
  ])('rejects %s', (_label, records) => {
    const problem = recordsProblem('user-counts', records);
    expect(problem.code).toBe('validation_failed');
    expect(pathsOf(problem)).toEqual(['records']);
  });

  it('accepts empty uploads for every other type', () => {
    for (const queryType of ['call-quality', 'completed-schedules', 'user-actions', 'container-license-states', 'containers', 'device-license-states', 'device-versions', 'devices', 'event-counts', 'licensing-counts', 'probes'] as const) {
      expect(validate(queryType, envelope([])).recordCount).toBe(0);
    }
  });
});

describe('containers form a forest', () => {
  const id = (i: number) => `container${String(i).padStart(6, '0')}`;
  const c = (i: number, parent: number | null) => ({ containerId: id(i), parentId: parent === null ? null : id(parent) });

  it('accepts several trees', () => {
    const records = [c(0, null), c(1, 0), c(2, 0), c(3, 1), c(4, null), c(5, 4)];
    expect(validate('containers', envelope(records)).summary).toEqual({ total: 6, roots: 2, maxDepth: 3 });
  });

  it('accepts children listed before their parents', () => {
    const records = [c(3, 2), c(2, 1), c(1, 0), c(0, null)];
    expect(validate('containers', envelope(records)).summary).toEqual({ total: 4, roots: 1, maxDepth: 4 });
  });

  it('rejects a parentId naming no containerId of the upload', () => {
    const problem = recordsProblem('containers', [c(0, null), c(1, 0), { containerId: id(2), parentId: id(99) }]);
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toEqual([{ path: 'records[2].parentId', message: expect.any(String) }]);
  });

  it('rejects a parentId that names only a container of another upload (a valid token)', () => {
    const problem = recordsProblem('containers', [{ containerId: tok('mine'), parentId: tok('elsewhere') }]);
    expect(problem.code).toBe('validation_failed');
    expect(pathsOf(problem)).toEqual(['records[0].parentId']);
  });

  it('rejects a self-cycle', () => {
    const problem = recordsProblem('containers', [c(0, null), c(1, 1)]);
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toEqual([{ path: 'records[1].parentId', message: expect.stringContaining('cycle') }]);
  });

  it('rejects a 2-cycle', () => {
    const problem = recordsProblem('containers', [c(0, null), c(1, 2), c(2, 1)]);
    expect(problem.code).toBe('validation_failed');
    expect(pathsOf(problem)).toHaveLength(1);
    expect(pathsOf(problem)[0]).toMatch(/^records\[[12]\]\.parentId$/);
  });

  it('rejects a longer cycle with a tree hanging off it', () => {
    // 1 → 2 → 3 → 4 → 5 → 1, and 6 → 3, 7 → 6; 0 is a separate, valid root.
    const problem = recordsProblem('containers', [c(0, null), c(1, 2), c(2, 3), c(3, 4), c(4, 5), c(5, 1), c(6, 3), c(7, 6)]);
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors!.length).toBeGreaterThanOrEqual(1);
    expect(problem.errors![0]!.message).toContain('cycle');
  });

  it('rejects a cycle in which no container is a root', () => {
    const problem = recordsProblem('containers', [c(0, 1), c(1, 0)]);
    expect(problem.code).toBe('validation_failed');
  });

  it('rejects a 10,000-long cycle without overflowing the stack', () => {
    const n = 10_000;
    const records = Array.from({ length: n }, (_, i) => c(i, (i + 1) % n));
    const problem = recordsProblem('containers', records);
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toHaveLength(1);
  });

  it('accepts a chain 10,000 levels deep without overflowing the stack', () => {
    const n = 10_000;
    const records = Array.from({ length: n }, (_, i) => c(i, i === 0 ? null : i - 1));
    expect(validate('containers', envelope(records)).summary).toEqual({ total: n, roots: 1, maxDepth: n });
  });

  it('accepts a chain 200,000 levels deep listed leaf first', () => {
    const n = 200_000;
    const records = Array.from({ length: n }, (_, k) => {
      const i = n - 1 - k;
      return c(i, i === 0 ? null : i - 1);
    });
    expect(validate('containers', envelope(records)).summary).toEqual({ total: n, roots: 1, maxDepth: n });
  });
});

describe.each(['device-license-states', 'container-license-states'] as const)('%s: licensed with unlicensedOn before collectedAt', (queryType) => {
  const key = queryType === 'device-license-states' ? { deviceId: 'dev-1' } : { containerId: tok('container', 1) };
  const state = (licensed: boolean, unlicensedOn: string | null) => ({ ...key, licensed, unlicensedOn });

  it.each(['2026-11-27', '2025-01-01'])('rejects licensed: true with unlicensedOn %s (collectedAt 2026-11-28)', (date) => {
    const problem = recordsProblem(queryType, [state(true, date)]);
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toEqual([{ path: 'records[0].unlicensedOn', message: expect.any(String) }]);
  });

  it.each([
    ['licensed: true on the same date', true, '2026-11-28'],
    ['licensed: true the day after', true, '2026-11-29'],
    ['licensed: true without a date', true, null],
    ['licensed: false with a past date', false, '2026-11-27'],
    ['licensed: false with a long past date', false, '2020-02-29'],
    ['licensed: false with a future date', false, '2027-01-01'],
    ['licensed: false without a date', false, null],
  ])('accepts %s', (_label, licensed, date) => {
    expect(() => validate(queryType, envelope([state(licensed, date)]))).not.toThrow();
  });

  it('compares with the date of collectedAt, not its time (late in the day)', () => {
    const body = envelope([state(true, '2026-11-28')], { collectedAt: '2026-11-28T23:59:59Z' });
    expect(() => validate(queryType, body, { now: new Date('2026-11-28T23:59:59Z') })).not.toThrow();
  });

  // "The date of collectedAt" is taken as written, i.e. the install's own calendar date: the
  // install decides licensed/unlicensedOn in its local time (validateUpload.ts, RecordContext.collectedOn).
  it('uses the calendar date of collectedAt as written with its offset', () => {
    const now = new Date('2026-11-28T03:00:00Z');
    // 2026-11-27 local (UTC-5) while it is already 2026-11-28 in UTC: a license ending 2026-11-27 is still fine.
    const west = envelope([state(true, '2026-11-27')], { collectedAt: '2026-11-27T22:00:00-05:00' });
    expect(() => validate(queryType, west, { now })).not.toThrow();
    // 2026-11-28 local (UTC+1) while it is still 2026-11-27 in UTC: a license ending 2026-11-27 has ended.
    const east = envelope([state(true, '2026-11-27')], { collectedAt: '2026-11-28T00:30:00+01:00' });
    expect(problemOf(() => validate(queryType, east, { now })).code).toBe('validation_failed');
  });

  it('reports the index of the offending record', () => {
    const key2 = queryType === 'device-license-states' ? { deviceId: 'dev-2' } : { containerId: tok('container', 2) };
    const problem = recordsProblem(queryType, [state(true, null), { ...key2, licensed: true, unlicensedOn: '2026-11-01' }]);
    expect(pathsOf(problem)).toEqual(['records[1].unlicensedOn']);
  });
});

describe('errors lists at most 100 entries', () => {
  const n = 500;

  it('for 500 records failing the license-state rule', () => {
    const records = Array.from({ length: n }, (_, i) => ({ deviceId: `dev-${i}`, licensed: true, unlicensedOn: '2026-01-01' }));
    const problem = recordsProblem('device-license-states', records);
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toHaveLength(100);
    expect(problem.errors![41]).toEqual({ path: 'records[41].unlicensedOn', message: expect.any(String) });
    expect(pathsOf(problem)).toEqual(Array.from({ length: 100 }, (_, i) => `records[${i}].unlicensedOn`));
    expect(problem.detail).toContain('100');
  });

  it('for 500 records failing their schema, several issues each', () => {
    const records = Array.from({ length: n }, (_, i) => ({ deviceId: `dev-${i}`, events: -1, extra: true }));
    const problem = recordsProblem('event-counts', records);
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toHaveLength(100);
    expect(pathsOf(problem)).toContain('records[41].events');
    expect(pathsOf(problem)).toContain('records[41].extra');
  });

  it('for 500 repeated keys', () => {
    const records = Array.from({ length: n }, () => ({ item: 'IPT users', count: 1 }));
    const problem = recordsProblem('licensing-counts', records);
    expect(problem.errors).toHaveLength(100);
    expect(problem.errors![0]!.path).toBe('records[1].item');
  });

  it('for 500 broken containers', () => {
    const records = Array.from({ length: n }, (_, i) => ({ containerId: tok('c', i), parentId: tok('missing', i) }));
    const problem = recordsProblem('containers', records);
    expect(problem.errors).toHaveLength(100);
    expect(pathsOf(problem)[41]).toBe('records[41].parentId');
  });

  it('for 500 e-mail addresses', () => {
    const records = Array.from({ length: n }, (_, i) => ({ deviceId: `user${i}@example.com`, events: 1 }));
    const problem = recordsProblem('event-counts', records);
    expect(problem.code).toBe('pii_detected');
    expect(problem.errors).toHaveLength(100);
    expect(problem.errors![41]!.path).toBe('records[41].deviceId');
  });

  it('for 500 identifiers that are not anonymized', () => {
    const records = Array.from({ length: n }, (_, i) => ({ userHash: `user ${i}`, actions: 1 }));
    const problem = recordsProblem('user-actions', records);
    expect(problem.code).toBe('pii_detected');
    expect(problem.errors).toHaveLength(100);
    expect(problem.errors![41]!.path).toBe('records[41].userHash');
  });

  it('not reached: all problems are listed', () => {
    const records = Array.from({ length: 7 }, (_, i) => ({ deviceId: `dev-${i}`, events: -1 }));
    const problem = recordsProblem('event-counts', records);
    expect(problem.errors).toHaveLength(7);
  });
});

it('checks the collectedAt fixture', () => {
  expect(COLLECTED_AT).toBe('2026-11-28T02:00:00Z');
});

describe('pii beyond the 100-entry error list', () => {
  it('still answers pii_detected when the non-token identifier comes after 100 other errors', async () => {
    const { validateUpload } = await import('../../functions/domain/validateUpload.js');
    const records: unknown[] = Array.from({ length: 150 }, () => ({ userHash: 'validtoken1', actions: -1 }));
    records.push({ userHash: 'John Smith', actions: 1 });
    let code: string | undefined;
    try {
      validateUpload('user-actions', { schemaVersion: 1, collectedAt: new Date().toISOString(), mpaVersion: '3', records }, { now: new Date() });
    } catch (error) {
      code = (error as { problem: { code: string } }).problem.code;
    }
    expect(code).toBe('pii_detected');
  });
});
