/**
 * [A] anonymized identifiers (DESIGN.md §1): containerId, parentId, probeId, userHash must match
 * ^[A-Za-z0-9_-]{8,128}$; any other string there is personal data (pii_detected); a value
 * that is not a string at all is a schema error (validation_failed).
 */
import { OPAQUE_TOKEN } from '../../functions/domain/schemas/opaqueToken.js';
import type { QueryType } from '../../functions/domain/queries/index.js';
import { type Rec, envelope, pathsOf, recordsProblem, str, tok, validate } from './helpers.js';

interface TokenField {
  queryType: QueryType;
  field: string;
  /** Records of a valid upload whose record 1 has `value` in `field`. */
  records: (value: unknown) => Rec[];
}

const PARENT = 'parent-container-0001';

const fields: TokenField[] = [
  { queryType: 'user-actions', field: 'userHash', records: (v) => [{ userHash: tok('u0'), actions: 1 }, { userHash: v, actions: 2 }] },
  {
    queryType: 'container-license-states',
    field: 'containerId',
    records: (v) => [{ containerId: tok('c0'), licensed: true, unlicensedOn: null }, { containerId: v, licensed: false, unlicensedOn: null }],
  },
  { queryType: 'containers', field: 'containerId', records: (v) => [{ containerId: PARENT, parentId: null }, { containerId: v, parentId: PARENT }] },
  // A valid parentId must name a container of the upload: record 0 is that container.
  { queryType: 'containers', field: 'parentId', records: (v) => [{ containerId: typeof v === 'string' && OPAQUE_TOKEN.test(v) ? v : PARENT, parentId: null }, { containerId: tok('child'), parentId: v }] },
  {
    queryType: 'devices',
    field: 'containerId',
    records: (v) => [
      { deviceId: 'dev-0', deviceType: 'A', containerId: tok('c0'), probeId: null, arid: '12345', hardwareId: null, serialNumber: null },
      { deviceId: 'dev-1', deviceType: 'A', containerId: v, probeId: null, arid: '12345', hardwareId: null, serialNumber: null },
    ],
  },
  {
    queryType: 'devices',
    field: 'probeId',
    records: (v) => [
      { deviceId: 'dev-0', deviceType: 'A', containerId: tok('c0'), probeId: null, arid: '12345', hardwareId: null, serialNumber: null },
      { deviceId: 'dev-1', deviceType: 'A', containerId: tok('c0'), probeId: v, arid: '12345', hardwareId: null, serialNumber: null },
    ],
  },
  {
    queryType: 'probes',
    field: 'probeId',
    records: (v) => [{ probeId: tok('p0'), lastCheckIn: '2026-11-28T01:00:00Z', restartsToday: 0 }, { probeId: v, lastCheckIn: '2026-11-28T01:00:00Z', restartsToday: 0 }],
  },
];

const validTokens: [string, string][] = [
  ['8 chars', 'abcdefgh'],
  ['128 chars', str(128, 'a')],
  ['a UUID', '123e4567-e89b-12d3-a456-426614174000'],
  ['base64url with _ and -', 'AbC_-dEf0123'],
  ['a SHA-256 hex digest', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ['digits only', '12345678'],
];

const personalStrings: [string, string][] = [
  ['7 chars', 'abcdefg'],
  ['129 chars', str(129, 'a')],
  ['empty', ''],
  ['a space', 'John Smith'],
  ['a dot', 'john.smith'],
  ["an '@' (not an e-mail)", 'jsmith@corp'],
  ['an e-mail address', 'john.smith@example.com'],
  ['base64 padding', 'YWJjZGVmZ2g='],
  ['base64 "+" and "/"', 'ab+cd/efgh'],
  ['a non-ASCII letter', 'jürgen-müller'],
  ['a trailing newline', 'abcdefgh\n'],
  ['a colon', 'host:abcdefgh'],
  ['a phone number', '+1 613 555 0100'],
];

describe.each(fields.map((f) => [`${f.queryType}.${f.field}`, f] as const))('%s', (_name, f) => {
  it.each(validTokens)('accepts %s', (_label, value) => {
    expect(() => validate(f.queryType, envelope(f.records(value)))).not.toThrow();
  });

  it.each(personalStrings)('rejects a string with %s as pii_detected', (_label, value) => {
    const problem = recordsProblem(f.queryType, f.records(value));
    expect(problem.code).toBe('pii_detected');
    expect(problem.status).toBe(400);
    expect(pathsOf(problem)).toContain(`records[1].${f.field}`);
  });

  it.each([['a number', 12345678], ['a boolean', true], ['an array', ['abcdefgh']], ['an object', { id: 'abcdefgh' }]])('rejects %s as validation_failed', (_label, value) => {
    const problem = recordsProblem(f.queryType, f.records(value));
    expect(problem.code).toBe('validation_failed');
    expect(pathsOf(problem)).toContain(`records[1].${f.field}`);
  });
});

describe('pii and other problems together', () => {
  it('pii_detected wins over schema errors in other records, and all are listed', () => {
    const problem = recordsProblem('user-actions', [
      { userHash: tok('a'), actions: -1 },
      { userHash: 'John Smith', actions: 1 },
      { userHash: tok('c'), actions: 1, extra: 1 },
    ]);
    expect(problem.code).toBe('pii_detected');
    expect(pathsOf(problem)).toEqual(['records[0].actions', 'records[1].userHash', 'records[2].extra']);
  });

  it('a null [A] where null is not allowed is validation_failed', () => {
    expect(recordsProblem('user-actions', [{ userHash: null, actions: 1 }]).code).toBe('validation_failed');
    expect(recordsProblem('probes', [{ probeId: null, lastCheckIn: '2026-11-28T01:00:00Z', restartsToday: 0 }]).code).toBe('validation_failed');
  });

  it('the detail of pii_detected does not echo the value', () => {
    const problem = recordsProblem('user-actions', [{ userHash: 'John Smith', actions: 1 }]);
    expect(JSON.stringify(problem)).not.toContain('John Smith');
  });
});

it('OPAQUE_TOKEN is the pattern of the contract', () => {
  expect(OPAQUE_TOKEN.source).toBe('^[A-Za-z0-9_-]{8,128}$');
});
