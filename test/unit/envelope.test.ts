/**
 * The upload envelope (DESIGN.md §2) and the receipt fields derived from it; query type
 * names and JSON parsing; the shape of problems.
 */
import { MAX_PROBLEM_ISSUES, ProblemError, makeProblem, problemCodes } from '../../functions/domain/problems.js';
import { optionalQueryTypes, querySpec, queryTypes } from '../../functions/domain/queries/index.js';
import { parseJson } from '../../functions/domain/parseJson.js';
import { parseQueryType } from '../../functions/domain/queries/queryTypes.js';
import { MAX_RECORDS, uploadEnvelope } from '../../functions/domain/validateUpload.js';
import { type Rec, COLLECTED_AT, DAY_MS, NOW, envelope, fromNow, pathsOf, problemOf, str, validate } from './helpers.js';

const records = [{ deviceId: 'dev-1', events: 3 }];
const body = (overrides: Rec = {}) => envelope(records, overrides);
const problemFor = (b: unknown, now: Date = NOW) => problemOf(() => validate('event-counts', b, { now }));

describe('a valid envelope', () => {
  it('gives the receipt fields', () => {
    const result = validate('event-counts', body());
    expect(result).toEqual({
      queryType: 'event-counts',
      collectedAtAsSent: COLLECTED_AT,
      collectedAt: '2026-11-28T02:00:00.000Z',
      mpaVersion: '3.4.1.12',
      recordCount: 1,
      summary: { devices: 1, totalEvents: 3, maxEvents: 3 },
    });
  });

  it.each([
    ['2026-11-28T03:00:00+01:00', '2026-11-28T02:00:00.000Z'],
    ['2026-11-27T20:30:00-05:30', '2026-11-28T02:00:00.000Z'],
    ['2026-11-28T02:00:00+00:00', '2026-11-28T02:00:00.000Z'],
    ['2026-11-28T01:59:59.5Z', '2026-11-28T01:59:59.500Z'],
    ['2026-11-28T01:59:59.123456Z', '2026-11-28T01:59:59.123Z'],
    ['2026-11-28T14:00:00+14:00', '2026-11-28T00:00:00.000Z'],
  ])('normalizes collectedAt %s to UTC %s, keeping what was sent', (sent, utc) => {
    const result = validate('event-counts', body({ collectedAt: sent }));
    expect(result.collectedAt).toBe(utc);
    expect(result.collectedAtAsSent).toBe(sent);
  });
});

describe('schemaVersion', () => {
  it.each([['2', 2], ['0', 0], ['"1"', '1'], ['1.5', 1.5], ['null', null], ['true', true]])('rejects %s', (_label, value) => {
    const problem = problemFor(body({ schemaVersion: value }));
    expect(problem.code).toBe('validation_failed');
    expect(pathsOf(problem)).toEqual(['schemaVersion']);
  });

  it('is required', () => {
    const { schemaVersion: _, ...rest } = body();
    expect(pathsOf(problemFor(rest))).toEqual(['schemaVersion']);
  });

  it('accepts 1.0 written in JSON (it is the number 1)', () => {
    expect(() => validate('event-counts', parseJson(JSON.stringify(body()).replace('"schemaVersion":1', '"schemaVersion":1.0')))).not.toThrow();
  });
});

describe('collectedAt format (RFC 3339 with Z or an offset)', () => {
  it.each([
    ['Z', '2026-11-28T02:00:00Z'],
    ['a positive offset', '2026-11-28T03:00:00+01:00'],
    ['a negative offset', '2026-11-27T21:00:00-05:00'],
    ['fractional seconds', '2026-11-28T01:59:59.999Z'],
    ['Feb 29 of a leap year', '2028-02-29T00:00:00Z'],
  ])('accepts %s', (_label, collectedAt) => {
    const now = new Date(collectedAt);
    expect(() => validate('event-counts', body({ collectedAt }), { now })).not.toThrow();
  });

  it.each([
    ['no offset', '2026-11-28T02:00:00'],
    ['a space separator', '2026-11-28 02:00:00Z'],
    ['Feb 30', '2026-02-30T02:00:00Z'],
    ['Feb 29 of a common year', '2027-02-29T02:00:00Z'],
    ['a date only', '2026-11-28'],
    ['no seconds', '2026-11-28T02:00Z'],
    ['an offset without colon', '2026-11-28T03:00:00+0100'],
    ['an hour-only offset', '2026-11-28T03:00:00+01'],
    ['hour 24', '2026-11-28T24:00:00Z'],
    ['month 13', '2026-13-28T02:00:00Z'],
    ['an expanded year', '+002026-11-28T02:00:00Z'],
    ['an empty string', ''],
    ['a human date', 'Sat, 28 Nov 2026 02:00:00 GMT'],
    ['epoch millis', NOW.getTime()],
    ['null', null],
  ])('rejects %s', (_label, collectedAt) => {
    const problem = problemFor(body({ collectedAt }));
    expect(problem.code).toBe('validation_failed');
    expect(pathsOf(problem)).toEqual(['collectedAt']);
  });

  it('is required', () => {
    const { collectedAt: _, ...rest } = body();
    expect(pathsOf(problemFor(rest))).toEqual(['collectedAt']);
  });
});

describe('collectedAt window: at most 5 minutes ahead, 400 days back', () => {
  const FIVE_MIN = 5 * 60_000;
  it.each([
    ['exactly now', 0],
    ['5 minutes ahead', FIVE_MIN],
    ['5 minutes minus 1 ms ahead', FIVE_MIN - 1],
    ['1 day back', -DAY_MS],
    ['399 days back', -399 * DAY_MS],
    ['exactly 400 days back', -400 * DAY_MS],
    ['400 days minus 1 ms back', -400 * DAY_MS + 1],
  ])('accepts %s', (_label, offset) => {
    expect(() => validate('event-counts', body({ collectedAt: fromNow(offset) }))).not.toThrow();
  });

  it.each([
    ['5 minutes plus 1 ms ahead', FIVE_MIN + 1, 'future'],
    ['6 minutes ahead', 6 * 60_000, 'future'],
    ['a year ahead', 365 * DAY_MS, 'future'],
    ['400 days plus 1 ms back', -400 * DAY_MS - 1, 'past'],
    ['401 days back', -401 * DAY_MS, 'past'],
    ['10 years back', -3650 * DAY_MS, 'past'],
  ])('rejects %s', (_label, offset, word) => {
    const problem = problemFor(body({ collectedAt: fromNow(offset) }));
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toEqual([{ path: 'collectedAt', message: expect.stringContaining(word) }]);
  });

  it('applies the window to the instant, whatever the offset', () => {
    // 02:04:00Z written as 03:04+01:00 is within 5 minutes; 02:06Z written as 21:06-05:00 is not.
    expect(() => validate('event-counts', body({ collectedAt: '2026-11-28T03:04:00+01:00' }))).not.toThrow();
    expect(problemFor(body({ collectedAt: '2026-11-27T21:06:00-05:00' })).code).toBe('validation_failed');
  });

  it('uses the now it is given, not the clock', () => {
    const collectedAt = '2020-01-01T00:00:00Z';
    expect(() => validate('event-counts', body({ collectedAt }), { now: new Date('2020-01-01T00:01:00Z') })).not.toThrow();
    expect(problemFor(body({ collectedAt })).code).toBe('validation_failed');
  });
});

describe('mpaVersion', () => {
  it.each([['3.4.1.12'], ['10.0 SP2 (build 1234)'], ['x']])('accepts %j', (mpaVersion) => {
    expect(validate('event-counts', body({ mpaVersion })).mpaVersion).toBe(mpaVersion);
  });

  it('is required', () => {
    const { mpaVersion: _, ...rest } = body();
    const problem = problemFor(rest);
    expect(problem.code).toBe('validation_failed');
    expect(pathsOf(problem)).toEqual(['mpaVersion']);
  });

  it.each([['empty', ''], ['null', null], ['a number', 3.4], ['an object', { major: 3 }], ['absurdly long', str(10_000)]])('rejects %s', (_label, mpaVersion) => {
    expect(pathsOf(problemFor(body({ mpaVersion })))).toEqual(['mpaVersion']);
  });
});

describe('unknown envelope fields', () => {
  it.each([['extra'], ['installId'], ['customerId'], ['queryType'], ['SchemaVersion']])('rejects %s with the path of the key', (key) => {
    const problem = problemFor(body({ [key]: 'x' }));
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toEqual([{ path: key, message: 'is not a known field' }]);
  });

  it('quotes a key that is not an identifier', () => {
    expect(pathsOf(problemFor(body({ 'my key': 1 })))).toEqual(['["my key"]']);
  });

  it('rejects an own __proto__ key', () => {
    const parsed = parseJson(JSON.stringify(body()).replace(/^\{/, '{"__proto__":{"x":1},'));
    expect(pathsOf(problemFor(parsed))).toEqual(['__proto__']);
  });

  it('lists several unknown keys and other envelope problems together', () => {
    const problem = problemFor(body({ a: 1, b: 2, schemaVersion: 2 }));
    expect(pathsOf(problem).sort()).toEqual(['a', 'b', 'schemaVersion']);
  });
});

describe('records', () => {
  it.each([['an object', {}], ['null', null], ['a string', '[]'], ['a number', 0]])('must be an array, not %s', (_label, value) => {
    const problem = problemFor(body({ records: value }));
    expect(problem.code).toBe('validation_failed');
    expect(pathsOf(problem)).toEqual(['records']);
  });

  it('is required', () => {
    const { records: _, ...rest } = body();
    expect(pathsOf(problemFor(rest))).toEqual(['records']);
  });

  it('holds at most 1,000,000 records', () => {
    expect(MAX_RECORDS).toBe(1_000_000);
    const base = { schemaVersion: 1, collectedAt: COLLECTED_AT, mpaVersion: '3.4.1.12' };
    const tooMany = uploadEnvelope.safeParse({ ...base, records: new Array<null>(MAX_RECORDS + 1).fill(null) });
    expect(tooMany.success).toBe(false);
    expect(tooMany.error!.issues.map((i) => i.path)).toEqual([['records']]);
    const justEnough = uploadEnvelope.safeParse({ ...base, records: new Array<null>(MAX_RECORDS).fill(null) });
    expect(justEnough.success).toBe(true);
  });

  it('are not examined when the envelope is invalid', () => {
    const problem = problemFor(envelope([{ deviceId: '', events: -1 }], { schemaVersion: 2 }));
    expect(pathsOf(problem)).toEqual(['schemaVersion']);
  });
});

describe('a body that is not an object', () => {
  it.each([['null', null], ['an array', []], ['a string', 'upload'], ['a number', 1], ['true', true]])('rejects %s', (_label, value) => {
    const problem = problemFor(value);
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toHaveLength(1);
  });
});

describe('parseQueryType', () => {
  it.each([...queryTypes])('knows %s', (queryType) => {
    expect(parseQueryType(queryType)).toBe(queryType);
  });

  it.each([['Devices'], ['device'], ['devices '], ['call_quality'], ['callQuality'], [''], ['__proto__'], ['constructor'], ['toString']])('rejects %j as unknown_query_type', (name) => {
    const problem = problemOf(() => parseQueryType(name));
    expect(problem.code).toBe('unknown_query_type');
    expect(problem.status).toBe(404);
  });

  it('does not echo a long name in full', () => {
    const problem = problemOf(() => parseQueryType(str(10_000)));
    // The name is cut to 64 characters; the detail also lists the twelve query types.
    expect(problem.detail.length).toBeLessThan(400);
    expect(problem.detail).not.toContain(str(10_000).slice(0, 65));
  });
});

describe('the registry of query types (DESIGN.md §1 table)', () => {
  const table: Record<string, { optional: boolean; uniqueBy: string[]; exactlyOne?: boolean }> = {
    'call-quality': { optional: true, uniqueBy: ['deviceType'] },
    'completed-schedules': { optional: true, uniqueBy: ['deviceType', 'scheduleType'] },
    'user-actions': { optional: true, uniqueBy: ['userHash'] },
    'container-license-states': { optional: false, uniqueBy: ['containerId'] },
    containers: { optional: false, uniqueBy: ['containerId'] },
    'device-license-states': { optional: false, uniqueBy: ['deviceId'] },
    'device-versions': { optional: false, uniqueBy: ['deviceId'] },
    devices: { optional: false, uniqueBy: ['deviceId'] },
    'event-counts': { optional: false, uniqueBy: ['deviceId'] },
    'licensing-counts': { optional: false, uniqueBy: ['item'] },
    probes: { optional: false, uniqueBy: ['probeId'] },
    'user-counts': { optional: false, uniqueBy: [], exactlyOne: true },
  };

  it('holds exactly the twelve types', () => {
    expect([...queryTypes].sort()).toEqual(Object.keys(table).sort());
    expect(new Set(queryTypes).size).toBe(12);
  });

  it('marks call-quality, completed-schedules and user-actions optional', () => {
    expect([...optionalQueryTypes].sort()).toEqual(['call-quality', 'completed-schedules', 'user-actions']);
  });

  it.each(Object.entries(table))('%s: optional and uniqueness as in the table', (queryType, expected) => {
    const spec = querySpec(queryType as (typeof queryTypes)[number]);
    expect(spec.queryType).toBe(queryType);
    expect(spec.optional).toBe(expected.optional);
    expect([...spec.uniqueBy]).toEqual(expected.uniqueBy);
    expect(spec.exactlyOne ?? false).toBe(expected.exactlyOne ?? false);
  });
});

describe('parseJson', () => {
  it('parses JSON', () => {
    expect(parseJson('{"a":[1,null,"x"]}')).toEqual({ a: [1, null, 'x'] });
  });

  it.each([[''], ['{'], ['{"a":1,}'], ["{'a':1}"], ['NaN'], ['{"a":1} trailing'], ['\u0000']])('rejects %j as invalid_json', (text) => {
    const problem = problemOf(() => parseJson(text));
    expect(problem.code).toBe('invalid_json');
    expect(problem.status).toBe(400);
  });
});

describe('problems (RFC 9457)', () => {
  it('carry type, title, status, detail, code and errors', () => {
    const problem = problemFor(body({ schemaVersion: 2 }));
    expect(problem).toEqual({
      type: expect.stringMatching(/^https:\/\/.+validation-failed$/),
      title: expect.any(String),
      status: 400,
      detail: expect.any(String),
      code: 'validation_failed',
      errors: [{ path: 'schemaVersion', message: expect.any(String) }],
    });
  });

  it('is thrown as a ProblemError', () => {
    expect(() => validate('event-counts', body({ schemaVersion: 2 }))).toThrow(ProblemError);
  });

  it('omit errors when there are none and cap them at 100', () => {
    expect(makeProblem('conflict', 'x')).not.toHaveProperty('errors');
    expect(makeProblem('conflict', 'x', [])).not.toHaveProperty('errors');
    const many = Array.from({ length: 250 }, (_, i) => ({ path: `records[${i}]`, message: 'm' }));
    expect(makeProblem('validation_failed', 'x', many).errors).toHaveLength(MAX_PROBLEM_ISSUES);
    expect(MAX_PROBLEM_ISSUES).toBe(100);
  });

  it('use the codes and statuses of the contract', () => {
    expect([...problemCodes].sort()).toEqual(
      ['invalid_json', 'validation_failed', 'pii_detected', 'unauthorized', 'forbidden', 'usage_collection_disabled', 'unknown_query_type', 'not_found', 'conflict', 'payload_too_large', 'unsupported_media_type', 'invalid_bundle', 'throttled', 'reports_missing', 'internal'].sort(),
    );
    const statuses = Object.fromEntries(problemCodes.map((code) => [code, makeProblem(code, 'x').status]));
    expect(statuses).toEqual({
      invalid_json: 400, validation_failed: 400, pii_detected: 400, unauthorized: 401, forbidden: 403, usage_collection_disabled: 403,
      unknown_query_type: 404, not_found: 404, conflict: 409, payload_too_large: 413, unsupported_media_type: 415, invalid_bundle: 400,
      throttled: 429, reports_missing: 409, internal: 500,
    });
  });
});
