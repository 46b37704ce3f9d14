/**
 * [A] anonymized identifiers (DESIGN.md §1): containerId, parentId, probeId, userHash must match
 * ^[A-Za-z0-9_-]{8,128}$; any other string there is personal data (pii_detected); a value
 * that is not a string at all is a schema error (validation_failed).
 */
import fc from 'fast-check';
import * as z from 'zod/mini';
import { type QueryType, querySpec, queryTypes } from '../../functions/domain/queries/index.js';
import { anonymizedFieldsOf, malformedTokenCheckOf } from '../../functions/domain/schemas/anonymizedFields.js';
import { opaqueToken, withMeta } from '../../functions/domain/schemas/fields.js';
import { OPAQUE_TOKEN } from '../../functions/domain/schemas/opaqueToken.js';
import { problemIssuesOf } from '../../functions/domain/zodIssues.js';
import { envelope, pathsOf, type Rec, recordsProblem, str, tok, validate } from './helpers.js';

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

describe('beyond the first 100 issues (functions/domain/schemas/anonymizedFields.ts)', () => {
  it('the [A] fields read from the record schemas are those of the contract', () => {
    const found: Record<string, string[]> = Object.fromEntries(
      queryTypes.map((t) => [t, anonymizedFieldsOf(querySpec(t).record())] as const).filter(([, f]) => f.length > 0),
    );
    expect(found).toEqual({
      'container-license-states': ['containerId'],
      containers: ['containerId', 'parentId'],
      devices: ['containerId', 'probeId'],
      probes: ['probeId'],
      'user-actions': ['userHash'],
    });
    expect(new Set(fields.map((f) => `${f.queryType}.${f.field}`))).toEqual(new Set(Object.entries(found).flatMap(([t, f]) => f.map((n) => `${t}.${n}`))));
  });

  it.each(queryTypes)('%s: the cheap check answers as zod does, for any value', (queryType) => {
    const spec = querySpec(queryType);
    const check = malformedTokenCheckOf(spec.record());
    // Every field of the schema, not only those the check found: a field it misses would show.
    const shape = (spec.record()._zod.def as unknown as { shape: Record<string, unknown> }).shape;
    const names = [...Object.keys(shape), 'other', 'toString', '__proto__'];
    const leaf = fc.oneof(
      fc.constantFrom(...validTokens.map(([, v]) => v), ...personalStrings.map(([, v]) => v)),
      fc.string({ maxLength: 10 }),
      fc.constant(null),
      fc.integer(),
      fc.boolean(),
      fc.constant(['abcdefgh']),
    );
    const record = fc.oneof(fc.dictionary(fc.constantFrom(...names), leaf), leaf, fc.array(leaf, { maxLength: 2 }));
    fc.assert(
      fc.property(record, (value) => {
        // Parsed from JSON, as uploads are: `__proto__` is then an own key.
        const parsed: unknown = JSON.parse(JSON.stringify(value));
        const result = z.safeParse(spec.record(), parsed);
        const zodSays = !result.success && [...problemIssuesOf(result.error)].some((issue) => issue.pii);
        expect(check(parsed)).toBe(zodSays);
      }),
      { numRuns: 400 },
    );
  });

  it('knows the token in the shapes the record schemas use, and refuses any other around it', () => {
    expect(anonymizedFieldsOf(z.strictObject({ a: opaqueToken, b: z.nullable(opaqueToken), c: withMeta(opaqueToken, {}), d: z.string() }))).toEqual(['a', 'b', 'c']);
    for (const shape of [z.optional(opaqueToken), z.nullable(z.nullable(opaqueToken)), z.nullable(z.optional(opaqueToken))]) {
      expect(() => anonymizedFieldsOf(z.strictObject({ id: shape }))).toThrow(/the field id/i);
    }
  });

  const device = (i: number, containerId: unknown = tok('c', i)) => ({ deviceId: `dev-${i}`, deviceType: 'A', containerId, probeId: null, arid: '12345', hardwareId: null, serialNumber: null });

  it('personal data after the 100th issue still makes the problem pii_detected', () => {
    const records = [...Array.from({ length: 150 }, () => ({})), device(150, 'John Smith')];
    const problem = recordsProblem('devices', records);
    expect(problem.code).toBe('pii_detected');
    expect(problem.errors).toHaveLength(100);
  });

  it('a million empty records give the first 100 problems, and no personal data', () => {
    const problem = recordsProblem('devices', Array.from({ length: 1_000_000 }, () => ({})));
    expect(problem.code).toBe('validation_failed');
    expect(pathsOf(problem)).toHaveLength(100);
  });

  it('personal data in the record that fills the list counts, past its listed issues', () => {
    // 99 issues, then a record with two: the list fills at its first, deviceType, before its containerId.
    const records = [...Array.from({ length: 99 }, (_, i) => ({ ...device(i), arid: 1 })), { ...device(99, 'John Smith'), deviceType: 5 }];
    const result = z.safeParse(querySpec('devices').record(), records[99]);
    expect([...problemIssuesOf((result as { error: z.core.$ZodError }).error)][0]?.pii).toBe(false);
    const problem = recordsProblem('devices', records);
    expect(problem.code).toBe('pii_detected');
    expect(problem.errors).toHaveLength(100);
  });
});

it('OPAQUE_TOKEN is the pattern of the contract', () => {
  expect(OPAQUE_TOKEN.source).toBe('^[A-Za-z0-9_-]{8,128}$');
});
