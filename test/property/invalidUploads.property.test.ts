/**
 * Property: every rule of DESIGN.md §1–2, broken on its own in an otherwise valid upload
 * (one arbitrary per rule), gets the right 4xx problem code and names the right JSON path.
 * Over HTTP, a sample of them (and of bodies that are not JSON at all) gets the same answer
 * and stores nothing: no raw object, no log entry, no summary.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { isProblemError, type ProblemCode } from '../../functions/domain/problems.js';
import { type QueryType, queryTypes } from '../../functions/domain/queries/index.js';
import { validateUpload } from '../../functions/domain/validateUpload.js';
import { readInstallState } from '../../scripts/soak/storedState.js';
import { useApiWithInstall } from '../support/apiFixture.js';
import { call, clients } from '../support/localApi.js';
import { addDays, DAY, type Field, type GeneratedUpload, models, pathOf, type Rec, renderDateTime, textArb, tokenArb, validUploadArb } from './model.js';
import { propertyOptions } from './settings.js';

const now = Date.now();

interface Broken {
  queryType: QueryType;
  body: unknown;
  code: ProblemCode;
  /** A path the problem's errors must name; a RegExp when the exact record is not fixed. */
  path?: string | RegExp;
}

interface Rule {
  name: string;
  arb: fc.Arbitrary<Broken>;
}

// ---- building blocks ----

const anyType = fc.constantFrom(...queryTypes);

/** A valid upload with at least one record, of one of the given types. */
function withRecords(types: readonly QueryType[] = queryTypes): fc.Arbitrary<GeneratedUpload> {
  return fc
    .constantFrom(...types)
    .chain((t) => validUploadArb(t, now, { min: Math.max(1, models[t].records.min), max: Math.min(8, models[t].records.max) }))
    .filter((u) => u.body.records.length > 0);
}

/** Sets a key as an own, enumerable property, even `__proto__`. */
function setOwn<T extends object>(target: T, key: string, value: unknown): T {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

const nonStrings = fc.oneof(fc.integer(), fc.boolean(), fc.constant([]), fc.constant({}));
const tokenChars = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'abcXYZ019_-'), minLength: min, maxLength: max });

/** Values that break a field of this kind (and are valid JSON). */
function badValues(field: Field): fc.Arbitrary<{ value: unknown; code: ProblemCode }> {
  const invalid = (arb: fc.Arbitrary<unknown>) => arb.map((value) => ({ value, code: 'validation_failed' as ProblemCode }));
  const notNull = 'nullable' in field && field.nullable ? [] : [invalid(fc.constant(null))];
  switch (field.kind) {
    case 'text':
      return fc.oneof(invalid(fc.constant('')), invalid(fc.integer({ min: 1, max: 50 }).map((n) => 'x'.repeat(field.max + n))), invalid(nonStrings), ...notNull);
    case 'token':
      // A string that is not an opaque token may be a name or an address: personal data.
      return fc.oneof(
        fc
          .oneof(
            tokenChars(1, 7),
            tokenChars(129, 160),
            fc.tuple(tokenArb, fc.constantFrom(' ', '.', '/', 'é', ':', '+', '\u0000', '😀'), tokenArb).map(([a, c, b]) => `${a}${c}${b}`),
          )
          .map((value) => ({ value, code: 'pii_detected' as ProblemCode })),
        invalid(fc.oneof(fc.integer(), fc.boolean(), fc.constant({}))),
        ...notNull,
      );
    case 'count':
      return fc.oneof(
        invalid(fc.integer({ min: -(2 ** 40), max: -1 })),
        invalid(fc.integer({ min: 0, max: 10_000 }).map((n) => n + 0.5)),
        invalid(fc.nat().map(String)),
        invalid(fc.boolean()),
        invalid(fc.constant(null)),
      );
    case 'number':
      return fc.oneof(
        invalid(fc.double({ min: 1e-6, max: 1e6, noNaN: true }).map((d) => field.min - d)),
        ...(field.max === undefined ? [] : [invalid(fc.double({ min: 1e-6, max: 1e6, noNaN: true }).map((d) => field.max! + d))]),
        invalid(fc.constantFrom('3.5', true, null, [])),
      );
    case 'bool':
      return invalid(fc.constantFrom('true', 'false', 1, 0, null, 'yes'));
    case 'date':
      return invalid(fc.constantFrom('2026-13-01', '2026-02-30', '2026-2-1', '20260101', '2026-01-01T00:00:00Z', '', 'tomorrow', 20260101));
    case 'datetime':
      return invalid(fc.constantFrom('2026-01-01', '2026-01-01T00:00:00', '2026-01-01 00:00:00Z', '2026-01-01T25:00:00Z', 'yesterday', 1_700_000_000_000, null));
    case 'arid':
      return invalid(fc.constantFrom('1234', '1234567890123', 'ABCDE', '12345a', 12345, '', ' 12345'));
  }
}

/** A record field of one of the given kinds in an upload with records, and the index of the record. */
function fieldOf(kinds: Field['kind'][]) {
  const types = queryTypes.filter((t) => Object.values(models[t].fields).some((f) => kinds.includes(f.kind)));
  return withRecords(types).chain((upload) => {
    const names = Object.entries(models[upload.queryType].fields)
      .filter(([, f]) => kinds.includes(f.kind))
      .map(([name]) => name);
    return fc.record({ name: fc.constantFrom(...names), index: fc.nat({ max: upload.body.records.length - 1 }) }).map(({ name, index }) => ({ upload, name, index }));
  });
}

/** Changes one record of an upload. */
function withRecord(upload: GeneratedUpload, index: number, change: (record: Rec) => Rec): GeneratedUpload['body'] {
  const body = structuredClone(upload.body);
  body.records[index] = change(body.records[index]!);
  return body;
}

const recordPath = (index: number, name?: string) => (name === undefined ? pathOf('records', index) : pathOf('records', index, name));

const emailArb = fc
  .tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,9}$/), fc.stringMatching(/^[a-z0-9]{1,10}$/), fc.stringMatching(/^[a-z]{2,6}$/))
  .map(([local, domain, tld]) => `${local}@${domain}.${tld}`);

/** An envelope with one member replaced, removed or added. */
function envelopeRule(name: string, member: string, values: fc.Arbitrary<unknown>): Rule {
  return {
    name,
    arb: fc.tuple(anyType.chain((t) => validUploadArb(t, now, { min: 0, max: 3 })), values).map(([upload, value]) => ({
      queryType: upload.queryType,
      body: { ...upload.body, [member]: value },
      code: 'validation_failed',
      path: member,
    })),
  };
}

const instant = (ms: number) => fc.tuple(fc.integer({ min: -48, max: 56 }), fc.boolean()).map(([q, zulu]) => renderDateTime(ms, q * 15, 0, zulu));

// ---- the rules ----

const kinds: Field['kind'][] = ['text', 'token', 'count', 'number', 'bool', 'date', 'datetime', 'arid'];

const rules: Rule[] = [
  // Each kind of field, broken in one record.
  ...kinds.map<Rule>((kind) => ({
    name: `a ${kind} field with a value outside its rule`,
    arb: fieldOf([kind]).chain(({ upload, name, index }) =>
      badValues(models[upload.queryType].fields[name]!).map(({ value, code }) => ({
        queryType: upload.queryType,
        body: withRecord(upload, index, (r) => ({ ...r, [name]: value })),
        code,
        path: recordPath(index, name),
      })),
    ),
  })),
  {
    name: 'a record without one of its fields',
    arb: fieldOf(kinds).map(({ upload, name, index }) => ({
      queryType: upload.queryType,
      body: withRecord(upload, index, ({ [name]: _gone, ...rest }) => rest),
      code: 'validation_failed',
      path: recordPath(index, name),
    })),
  },
  {
    name: 'a record with a field the contract does not know (prototype keys included)',
    arb: fc
      .tuple(withRecords(), fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'colour', 'Device Id', ''), fc.stringMatching(/^[a-z][A-Za-z0-9]{0,12}$/)), fc.nat(), fc.jsonValue())
      .filter(([upload, key]) => !(key in models[upload.queryType].fields))
      .map(([upload, key, n, value]) => {
        const index = n % upload.body.records.length;
        return { queryType: upload.queryType, body: withRecord(upload, index, (r) => setOwn({ ...r }, key, value)), code: 'validation_failed', path: recordPath(index, key) };
      }),
  },
  {
    name: 'a record that is not an object',
    arb: fc.tuple(withRecords(), fc.nat(), fc.constantFrom(null, 42, 'device', [], [{}], true)).map(([upload, n, value]) => {
      const index = n % upload.body.records.length;
      return { queryType: upload.queryType, body: withRecord(upload, index, () => value as unknown as Rec), code: 'validation_failed', path: recordPath(index) };
    }),
  },
  {
    name: 'two records with the same unique key',
    arb: withRecords(queryTypes.filter((t) => models[t].unique.length > 0))
      .filter((u) => u.body.records.length >= 2)
      .chain((upload) => fc.tuple(fc.constant(upload), fc.nat({ max: upload.body.records.length - 1 }), fc.nat({ max: upload.body.records.length - 2 })))
      .map(([upload, from, other]) => {
        const to = other >= from ? other + 1 : other;
        const unique = models[upload.queryType].unique;
        const source = upload.body.records[from]!;
        const body = withRecord(upload, to, (r) => ({ ...r, ...Object.fromEntries(unique.map((f) => [f, source[f]])) }));
        return { queryType: upload.queryType, body, code: 'validation_failed', path: recordPath(Math.max(from, to), unique[0]) };
      }),
  },
  {
    name: 'poorStreams above streams',
    arb: fc.tuple(withRecords(['call-quality']), fc.nat(), fc.integer({ min: 1, max: 1000 })).map(([upload, n, more]) => {
      const index = n % upload.body.records.length;
      return { queryType: upload.queryType, body: withRecord(upload, index, (r) => ({ ...r, poorStreams: (r.streams as number) + more })), code: 'validation_failed', path: recordPath(index, 'poorStreams') };
    }),
  },
  {
    name: 'activeUsers above users',
    arb: fc.tuple(withRecords(['user-counts']), fc.integer({ min: 1, max: 1000 })).map(([upload, more]) => ({
      queryType: upload.queryType,
      body: withRecord(upload, 0, (r) => ({ ...r, activeUsers: (r.users as number) + more })),
      code: 'validation_failed',
      path: recordPath(0, 'activeUsers'),
    })),
  },
  {
    name: 'user-counts without exactly one record',
    arb: fc.tuple(validUploadArb('user-counts', now), fc.constantFrom(0, 2, 3, 7)).map(([upload, n]) => ({
      queryType: 'user-counts',
      body: { ...upload.body, records: Array.from({ length: n }, () => upload.body.records[0]) },
      code: 'validation_failed',
      path: 'records',
    })),
  },
  {
    name: 'a licensed record whose unlicensedOn lies before the date of collectedAt',
    arb: fc.tuple(withRecords(['device-license-states', 'container-license-states']), fc.nat(), fc.integer({ min: 1, max: 3000 })).map(([upload, n, days]) => {
      const index = n % upload.body.records.length;
      const unlicensedOn = addDays(upload.ctx.collectedOn, -days);
      return { queryType: upload.queryType, body: withRecord(upload, index, (r) => ({ ...r, licensed: true, unlicensedOn })), code: 'validation_failed', path: recordPath(index, 'unlicensedOn') };
    }),
  },
  {
    name: 'a device without any of arid, hardwareId and serialNumber',
    arb: fc.tuple(withRecords(['devices']), fc.nat()).map(([upload, n]) => {
      const index = n % upload.body.records.length;
      return { queryType: upload.queryType, body: withRecord(upload, index, (r) => ({ ...r, arid: null, hardwareId: null, serialNumber: null })), code: 'validation_failed', path: recordPath(index) };
    }),
  },
  {
    name: 'a container whose parent is not in the upload',
    arb: fc.tuple(withRecords(['containers']), fc.nat(), tokenArb).filter(([u, , id]) => !u.body.records.some((r) => r.containerId === id)).map(([upload, n, parentId]) => {
      const index = n % upload.body.records.length;
      return { queryType: upload.queryType, body: withRecord(upload, index, (r) => ({ ...r, parentId })), code: 'validation_failed', path: recordPath(index, 'parentId') };
    }),
  },
  {
    name: 'containers that form a cycle',
    arb: fc.tuple(withRecords(['containers']), fc.nat(), fc.nat()).map(([upload, a, b]) => {
      const records = upload.body.records;
      const i = a % records.length;
      const j = b % records.length;
      // A self-loop, or two containers each other's parent.
      const body = withRecord(upload, i, (r) => ({ ...r, parentId: records[j]!.containerId }));
      if (i !== j) body.records[j] = { ...body.records[j]!, parentId: records[i]!.containerId };
      return { queryType: upload.queryType, body, code: 'validation_failed', path: /^records\[\d+\]\.parentId$/ };
    }),
  },
  // The envelope.
  envelopeRule('schemaVersion other than 1', 'schemaVersion', fc.constantFrom(0, 2, '1', 1.5, null, true, [1])),
  envelopeRule('collectedAt that is not an RFC 3339 datetime', 'collectedAt', fc.constantFrom('2026-11-28', '2026-11-28T02:00:00', '28/11/2026 02:00', '2026-11-28T02:00:00+2', 1_764_295_200_000, null, '')),
  envelopeRule('collectedAt more than 5 minutes in the future', 'collectedAt', fc.integer({ min: now + 6 * 60_000, max: now + 3650 * DAY }).chain((ms) => instant(ms))),
  envelopeRule('collectedAt more than 400 days in the past', 'collectedAt', fc.integer({ min: Date.UTC(1990, 0, 1), max: now - 400 * DAY - 2000 }).chain((ms) => instant(ms))),
  envelopeRule('mpaVersion empty, too long or not a string', 'mpaVersion', fc.oneof(fc.constant(''), fc.integer({ min: 65, max: 300 }).map((n) => 'v'.repeat(n)), nonStrings, fc.constant(null))),
  envelopeRule('records that is not an array', 'records', fc.constantFrom({}, 'records', 42, null, true)),
  {
    name: 'an envelope without one of its members',
    arb: fc.tuple(anyType.chain((t) => validUploadArb(t, now, { min: 0, max: 2 })), fc.constantFrom('schemaVersion', 'collectedAt', 'mpaVersion', 'records')).map(([upload, member]) => {
      const { [member as keyof typeof upload.body]: _gone, ...body } = upload.body;
      return { queryType: upload.queryType, body, code: 'validation_failed', path: member };
    }),
  },
  {
    name: 'an envelope with a member the contract does not know (installId, prototype keys)',
    arb: fc
      .tuple(anyType.chain((t) => validUploadArb(t, now, { min: 0, max: 2 })), fc.constantFrom('installId', '__proto__', 'constructor', 'prototype', 'queryType', 'extra'), fc.jsonValue())
      .map(([upload, key, value]) => ({ queryType: upload.queryType, body: setOwn({ ...upload.body }, key, value), code: 'validation_failed', path: key })),
  },
  {
    name: 'a body that is not an object',
    arb: fc.tuple(anyType, fc.constantFrom(null, 1, 'upload', [], [{ schemaVersion: 1 }], true)).map(([queryType, body]) => ({ queryType, body, code: 'validation_failed', path: '' })),
  },
  {
    name: 'an e-mail address anywhere: in a value, a key or deep inside an unknown member',
    arb: fc
      .tuple(withRecords(), emailArb, fc.constantFrom('value', 'mpaVersion', 'key', 'deep'), fc.nat(), textArb(8))
      .map(([upload, email, where, n, around]) => {
        const index = n % upload.body.records.length;
        const body: Record<string, unknown> = structuredClone(upload.body);
        const records = body.records as Rec[];
        const textField = Object.entries(models[upload.queryType].fields).find(([, f]) => f.kind === 'text')?.[0];
        if (where === 'value' && textField) records[index] = { ...records[index], [textField]: `${around} ${email}` };
        else if (where === 'key') records[index] = setOwn({ ...records[index] }, email, 1);
        else if (where === 'deep') body.notes = [{ a: [{ b: `contact ${email}` }] }];
        else body.mpaVersion = email;
        return { queryType: upload.queryType, body, code: 'pii_detected' as ProblemCode };
      }),
  },
];

function problemOf(broken: Broken) {
  try {
    validateUpload(broken.queryType, JSON.parse(JSON.stringify(broken.body)), { now: new Date(now) });
  } catch (error) {
    if (isProblemError(error)) return error.problem;
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(broken.body).slice(0, 2000)}`);
}

function expectRightProblem(problem: { status: number; code: string; errors?: { path: string }[] }, broken: Broken): void {
  expect(problem.status).toBe(400);
  expect(problem.code).toBe(broken.code);
  expect(problem.errors?.length ?? 0).toBeLessThanOrEqual(100);
  if (broken.path === undefined) return;
  const paths = (problem.errors ?? []).map((e) => e.path);
  if (typeof broken.path === 'string') expect(paths).toContain(broken.path);
  else expect(paths.some((p) => (broken.path as RegExp).test(p))).toBe(true);
}

describe('each rule broken on its own', () => {
  it.each(rules.map((rule) => [rule.name, rule] as const))('%s → its 4xx problem', (_name, rule) => {
    fc.assert(
      fc.property(rule.arb, (broken) => expectRightProblem(problemOf(broken), broken)),
      propertyOptions(60),
    );
  });
});

describe('over HTTP', () => {
  const fixture = useApiWithInstall();

  it('a sample of every rule, and bodies that are not JSON, get their problem and store nothing', async () => {
    const { api, install } = fixture;
    for (const rule of rules) {
      for (const broken of fc.sample(rule.arb, propertyOptions(3))) {
        const json = Buffer.from(JSON.stringify(broken.body));
        const gzip = json.length % 2 === 0;
        const answer = await call(api, 'POST', `/v1/uploads/${broken.queryType}`, {
          key: install.apiKey,
          raw: gzip ? gzipSync(json) : json,
          headers: { 'content-type': 'application/json', ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
        });
        expect({ rule: rule.name, status: answer.status, code: answer.body?.code }).toEqual({ rule: rule.name, status: 400, code: broken.code });
        expectRightProblem(answer.body, broken);
      }
    }
    const notJson: [string, Buffer | string, Record<string, string>, ProblemCode][] = [
      ['truncated JSON', JSON.stringify({ schemaVersion: 1, collectedAt: new Date().toISOString(), mpaVersion: '1', records: [{ users: 1 }] }).slice(0, 50), {}, 'invalid_json'],
      ['bytes that are not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), {}, 'invalid_json'],
      ['gzip that is not gzip', 'plain text', { 'content-encoding': 'gzip' }, 'invalid_json'],
      ['an e-mail address written as \\u0040', '{"schemaVersion":1,"mpaVersion":"ops\\u0040example.com"}', {}, 'pii_detected'],
    ];
    for (const [what, raw, headers, code] of notJson) {
      const answer = await call(api, 'POST', '/v1/uploads/user-counts', { key: install.apiKey, raw, headers: { 'content-type': 'application/json', ...headers } });
      expect({ what, status: answer.status, code: answer.body?.code }).toEqual({ what, status: 400, code });
    }
    const state = await readInstallState(clients(), install.installId);
    expect({ raw: state.rawKeys, log: state.log, snapshots: state.snapshots, latest: state.latest }).toEqual({ raw: [], log: [], snapshots: [], latest: [] });
  });
});
