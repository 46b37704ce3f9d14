/**
 * Field rules of every record of every one of the twelve query types (DESIGN.md §1):
 * type, range, nullability and length bounds, required fields, unknown fields, and the
 * per-record rules (poorStreams ≤ streams, activeUsers ≤ users, devices' identifiers).
 * Each case starts from a valid record and changes one thing.
 */
import { type QueryType, queryTypes } from '../../functions/domain/queries/index.js';
import { type Rec, envelope, pathsOf, recordsProblem, str, tok, validate } from './helpers.js';

interface Case {
  label: string;
  patch: Rec;
  ok: boolean;
  /** Path below the record of the expected error ('' for the record itself); default: the first key of patch. */
  path?: string;
}

const ok = (label: string, patch: Rec): Case => ({ label, patch, ok: true });
const bad = (label: string, patch: Rec, path?: string): Case => ({ label, patch, ok: false, ...(path === undefined ? {} : { path }) });

/** Bounds of a required string field of length min..max. */
function textCases(field: string, max: number, nullable = false): Case[] {
  return [
    ok(`${field} of 1 char`, { [field]: 'a' }),
    ok(`${field} of ${max} chars`, { [field]: str(max) }),
    ok(`${field} with spaces and unicode`, { [field]: 'Zürich 7 ünit' }),
    bad(`${field} empty`, { [field]: '' }),
    bad(`${field} of ${max + 1} chars`, { [field]: str(max + 1) }),
    bad(`${field} a number`, { [field]: 42 }),
    bad(`${field} a boolean`, { [field]: true }),
    bad(`${field} an array`, { [field]: ['a'] }),
    bad(`${field} an object`, { [field]: { a: 1 } }),
    nullable ? ok(`${field} null`, { [field]: null }) : bad(`${field} null`, { [field]: null }),
  ];
}

/** An int ≥ 0 (no upper bound in the contract). */
function countCases(field: string, extra: Rec = {}, boundBy?: string): Case[] {
  return [
    ok(`${field} 0`, { [field]: 0, ...extra }),
    ok(`${field} large`, { [field]: 123_456_789, ...extra, ...(boundBy ? { [boundBy]: 123_456_789 } : {}) }),
    bad(`${field} -1`, { [field]: -1, ...extra }),
    bad(`${field} 1.5`, { [field]: 1.5, ...extra }),
    bad(`${field} a numeric string`, { [field]: '3', ...extra }),
    bad(`${field} null`, { [field]: null, ...extra }),
    bad(`${field} a boolean`, { [field]: false, ...extra }),
    bad(`${field} beyond safe integers`, { [field]: 2 ** 53 + 2, ...extra }),
  ];
}

/** A number in [min, max] (max undefined: no upper bound). */
function numberCases(field: string, min: number, max?: number): Case[] {
  const cases = [
    ok(`${field} at min ${min}`, { [field]: min }),
    ok(`${field} fractional`, { [field]: min + 0.25 }),
    bad(`${field} just below min`, { [field]: min - 0.01 }),
    bad(`${field} a string`, { [field]: String(min + 1) }),
    bad(`${field} null`, { [field]: null }),
  ];
  if (max === undefined) cases.push(ok(`${field} large`, { [field]: 1e9 }));
  else cases.push(ok(`${field} at max ${max}`, { [field]: max }), bad(`${field} just above max`, { [field]: max + 0.01 }));
  return cases;
}

/** A date `YYYY-MM-DD` or null. */
function dateOrNullCases(field: string): Case[] {
  return [
    ok(`${field} null`, { [field]: null }),
    ok(`${field} a future date`, { [field]: '2027-01-31' }),
    ok(`${field} Feb 29 of a leap year`, { [field]: '2028-02-29' }),
    bad(`${field} Feb 30`, { [field]: '2027-02-30' }),
    bad(`${field} Feb 29 of a common year`, { [field]: '2027-02-29' }),
    bad(`${field} month 13`, { [field]: '2027-13-01' }),
    bad(`${field} a datetime`, { [field]: '2027-01-31T00:00:00Z' }),
    bad(`${field} without zero padding`, { [field]: '2027-1-31' }),
    bad(`${field} without dashes`, { [field]: '20270131' }),
    bad(`${field} empty`, { [field]: '' }),
    bad(`${field} a number`, { [field]: 20270131 }),
  ];
}

function boolCases(field: string): Case[] {
  return [
    ok(`${field} false`, { [field]: false }),
    ok(`${field} true`, { [field]: true }),
    bad(`${field} "true"`, { [field]: 'true' }),
    bad(`${field} 1`, { [field]: 1 }),
    bad(`${field} null`, { [field]: null }),
  ];
}

/** [A] fields: only the non-string cases here (validation_failed); the pii cases are in anonymizedIds.test.ts. */
function tokenTypeCases(field: string, nullable = false): Case[] {
  return [
    ok(`${field} a UUID`, { [field]: '123e4567-e89b-12d3-a456-426614174000' }),
    bad(`${field} a number`, { [field]: 12345678 }),
    bad(`${field} an array`, { [field]: ['abcdefgh'] }),
    nullable ? ok(`${field} null`, { [field]: null }) : bad(`${field} null`, { [field]: null }),
  ];
}

interface TypeTable {
  /** The i-th of a list of valid, mutually distinct records. */
  make: (i: number) => Rec;
  /** Only one record per upload (user-counts). */
  single?: boolean;
  cases: Case[];
}

const tables: Record<QueryType, TypeTable> = {
  'call-quality': {
    make: (i) => ({ deviceType: `type-${i}`, streams: 100, poorStreams: 5, avgMos: 4.1, avgRFactor: 80, avgJitterMs: 2.5, avgPacketLossPct: 0.5, avgLatencyMs: 40 }),
    cases: [
      ...textCases('deviceType', 64),
      ...countCases('streams', { poorStreams: 0 }),
      ok('streams 0 with poorStreams 0', { streams: 0, poorStreams: 0 }),
      ...countCases('poorStreams', {}, 'streams'),
      ok('poorStreams equal to streams', { streams: 100, poorStreams: 100 }),
      bad('poorStreams above streams', { streams: 100, poorStreams: 101 }, 'poorStreams'),
      bad('poorStreams above 0 streams', { streams: 0, poorStreams: 1 }, 'poorStreams'),
      ...numberCases('avgMos', 1, 5),
      bad('avgMos 0', { avgMos: 0 }),
      ...numberCases('avgRFactor', 0, 100),
      ...numberCases('avgJitterMs', 0),
      ...numberCases('avgPacketLossPct', 0, 100),
      ...numberCases('avgLatencyMs', 0),
    ],
  },
  'completed-schedules': {
    make: (i) => ({ deviceType: 'MiVoice 6920', scheduleType: `schedule-${i}`, completed: 3 }),
    cases: [...textCases('deviceType', 64), ...textCases('scheduleType', 64), ...countCases('completed')],
  },
  'user-actions': {
    make: (i) => ({ userHash: tok('user', i), actions: 7 }),
    cases: [...tokenTypeCases('userHash'), ...countCases('actions')],
  },
  'container-license-states': {
    make: (i) => ({ containerId: tok('container', i), licensed: true, unlicensedOn: null }),
    cases: [...tokenTypeCases('containerId'), ...boolCases('licensed'), ...dateOrNullCases('unlicensedOn')],
  },
  containers: {
    // Record 0 is a root, the others hang below it.
    make: (i) => ({ containerId: tok('container', i), parentId: i === 0 ? null : tok('container', 0) }),
    cases: [...tokenTypeCases('containerId'), ok('parentId null (a root)', { parentId: null }), bad('parentId a number', { parentId: 12345678 }), bad('parentId an object', { parentId: {} })],
  },
  'device-license-states': {
    make: (i) => ({ deviceId: `dev-${i}`, licensed: true, unlicensedOn: null }),
    cases: [...textCases('deviceId', 128), ...boolCases('licensed'), ...dateOrNullCases('unlicensedOn')],
  },
  'device-versions': {
    make: (i) => ({ deviceId: `dev-${i}`, softwareVersion: '6.1.0.4', hardwareVersion: 'rev 2' }),
    cases: [...textCases('deviceId', 128), ...textCases('softwareVersion', 64), ...textCases('hardwareVersion', 64, true)],
  },
  devices: {
    make: (i) => ({
      deviceId: `dev-${i}`,
      deviceType: 'MiVoice 6920',
      containerId: tok('container', 0),
      probeId: tok('probe', 0),
      arid: '123456',
      hardwareId: 'HW-00001EEF',
      serialNumber: 'SN000000001',
    }),
    cases: [
      ...textCases('deviceId', 128),
      ...textCases('deviceType', 64),
      ...tokenTypeCases('containerId'),
      ...tokenTypeCases('probeId', true),
      ok('arid of 5 digits', { arid: '12345' }),
      ok('arid of 12 digits', { arid: '123456789012' }),
      ok('arid with leading zeros', { arid: '000001' }),
      ok('arid null', { arid: null }),
      bad('arid of 4 digits', { arid: '1234' }),
      bad('arid of 13 digits', { arid: '1234567890123' }),
      bad('arid with a letter', { arid: '12a45' }),
      bad('arid with a dash', { arid: '123-456' }),
      bad('arid with a leading space', { arid: ' 12345' }),
      bad('arid with a trailing newline', { arid: '12345\n' }),
      bad('arid of full-width digits', { arid: '１２３４５' }),
      bad('arid a number', { arid: 123456 }),
      bad('arid empty', { arid: '' }),
      ...textCases('hardwareId', 128, true),
      ...textCases('serialNumber', 128, true),
      ok('only arid', { hardwareId: null, serialNumber: null }),
      ok('only hardwareId', { arid: null, serialNumber: null }),
      ok('only serialNumber', { arid: null, hardwareId: null }),
      bad('no identifier at all', { arid: null, hardwareId: null, serialNumber: null }, ''),
    ],
  },
  'event-counts': {
    make: (i) => ({ deviceId: `dev-${i}`, events: 10 }),
    cases: [...textCases('deviceId', 128), ...countCases('events')],
  },
  'licensing-counts': {
    make: (i) => ({ item: `item ${i}`, count: 3 }),
    cases: [ok('item "IPT users"', { item: 'IPT users' }), ...textCases('item', 128), ...countCases('count')],
  },
  probes: {
    make: (i) => ({ probeId: tok('probe', i), lastCheckIn: '2026-11-28T01:30:00Z', restartsToday: 0 }),
    cases: [
      ...tokenTypeCases('probeId'),
      ok('lastCheckIn with an offset', { lastCheckIn: '2026-11-28T02:30:00+01:00' }),
      ok('lastCheckIn with a negative offset', { lastCheckIn: '2026-11-27T20:30:00-05:00' }),
      ok('lastCheckIn with milliseconds', { lastCheckIn: '2026-11-28T01:30:00.123Z' }),
      ok('lastCheckIn long ago', { lastCheckIn: '2020-01-01T00:00:00Z' }),
      bad('lastCheckIn without offset', { lastCheckIn: '2026-11-28T01:30:00' }),
      bad('lastCheckIn with a space separator', { lastCheckIn: '2026-11-28 01:30:00Z' }),
      bad('lastCheckIn on Feb 30', { lastCheckIn: '2026-02-30T01:30:00Z' }),
      bad('lastCheckIn a date only', { lastCheckIn: '2026-11-28' }),
      bad('lastCheckIn with offset +0100', { lastCheckIn: '2026-11-28T02:30:00+0100' }),
      bad('lastCheckIn hour 25', { lastCheckIn: '2026-11-28T25:30:00Z' }),
      bad('lastCheckIn epoch millis', { lastCheckIn: 1_795_000_000_000 }),
      bad('lastCheckIn null', { lastCheckIn: null }),
      bad('lastCheckIn empty', { lastCheckIn: '' }),
      ...countCases('restartsToday'),
    ],
  },
  'user-counts': {
    make: () => ({ users: 10, activeUsers: 7, reportRecipients: 2 }),
    single: true,
    cases: [
      ...countCases('users', { activeUsers: 0 }),
      ok('users 0 with activeUsers 0', { users: 0, activeUsers: 0 }),
      ...countCases('activeUsers', {}, 'users'),
      ok('activeUsers equal to users', { users: 10, activeUsers: 10 }),
      bad('activeUsers above users', { users: 10, activeUsers: 11 }, 'activeUsers'),
      bad('activeUsers above 0 users', { users: 0, activeUsers: 1 }, 'activeUsers'),
      ...countCases('reportRecipients'),
    ],
  },
};

/** The records of an upload with `record` at the index reported by the second value. */
function uploadWith(table: TypeTable, record: unknown): [unknown[], number] {
  return table.single ? [[record], 0] : [[table.make(0), record, table.make(2)], 1];
}

const fullPath = (index: number, path: string) => (path === '' ? `records[${index}]` : `records[${index}].${path}`);

it('has a table for each of the twelve query types', () => {
  expect(Object.keys(tables).sort()).toEqual([...queryTypes].sort());
});

describe.each(Object.entries(tables) as [QueryType, TypeTable][])('%s records', (queryType, table) => {
  it('accepts valid records', () => {
    const records = table.single ? [table.make(0)] : [table.make(0), table.make(1), table.make(2)];
    const result = validate(queryType, envelope(records));
    expect(result.recordCount).toBe(records.length);
  });

  it.each(table.cases.filter((c) => c.ok).map((c) => [c.label, c] as const))('accepts %s', (_label, c) => {
    const [records] = uploadWith(table, { ...table.make(1), ...c.patch });
    expect(() => validate(queryType, envelope(records))).not.toThrow();
  });

  it.each(table.cases.filter((c) => !c.ok).map((c) => [c.label, c] as const))('rejects %s', (_label, c) => {
    const [records, index] = uploadWith(table, { ...table.make(1), ...c.patch });
    const problem = recordsProblem(queryType, records);
    expect(problem.code).toBe('validation_failed');
    expect(problem.status).toBe(400);
    expect(pathsOf(problem)).toContain(fullPath(index, c.path ?? Object.keys(c.patch)[0]!));
    // Only the broken record is reported.
    for (const path of pathsOf(problem)) expect(path.startsWith(`records[${index}]`)).toBe(true);
  });

  it.each(Object.keys(table.make(1)))('rejects a record without %s (nullable is not optional)', (field) => {
    const record = { ...table.make(1) };
    delete record[field];
    const [records, index] = uploadWith(table, record);
    const problem = recordsProblem(queryType, records);
    expect(problem.code).toBe('validation_failed');
    expect(pathsOf(problem)).toContain(fullPath(index, field));
  });

  it.each(['extra', 'installId', 'Deviceid', '__proto__', 'my field'])('rejects the unknown field %j', (field) => {
    const record = JSON.parse(JSON.stringify({ ...table.make(1) }).replace(/^\{/, `{${JSON.stringify(field)}:1,`)) as Rec;
    const [records, index] = uploadWith(table, record);
    const problem = recordsProblem(queryType, records);
    expect(problem.code).toBe('validation_failed');
    const expected = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(field) ? `records[${index}].${field}` : `records[${index}][${JSON.stringify(field)}]`;
    expect(problem.errors).toContainEqual({ path: expected, message: 'is not a known field' });
  });

  it.each([['null', null], ['an array', []], ['a string', 'record'], ['a number', 1], ['a boolean', true]])('rejects a record that is %s', (_label, value) => {
    const [records, index] = uploadWith(table, value);
    const problem = recordsProblem(queryType, records);
    expect(problem.code).toBe('validation_failed');
    expect(pathsOf(problem)).toEqual([`records[${index}]`]);
  });

  it('reports every broken field of a record', () => {
    const record = { ...table.make(1) };
    const fields = Object.keys(record);
    for (const field of fields) record[field] = { nested: true };
    const [records, index] = uploadWith(table, record);
    const problem = recordsProblem(queryType, records);
    expect(problem.code).toBe('validation_failed');
    expect(pathsOf(problem).sort()).toEqual(fields.map((f) => fullPath(index, f)).sort());
  });
});
