/**
 * The e-mail guard (DESIGN.md §1): an e-mail address anywhere in an upload — a known field,
 * an unknown field, a key, the envelope — rejects it with pii_detected. Linear time.
 */
import { containsEmail, findEmails, joinPath, jsonMayContainAt, REDACTED_KEY } from '../../functions/domain/pii.js';
import { type QueryType, queryTypes } from '../../functions/domain/queries/index.js';
import { sampleUpload } from '../../functions/samples/sampleUploads.js';
import { parseJson } from '../../functions/domain/parseJson.js';
import { COLLECTED_AT, envelope, pathsOf, problemOf, recordsProblem, validate } from './helpers.js';

describe('containsEmail', () => {
  it.each([
    ['john.doe@example.com'],
    ['a@b.co'],
    ['JOHN.DOE@EXAMPLE.COM'],
    ['x+tag@mail.example.co.uk'],
    ['user_1@sub-domain.example.io'],
    ["o'brien@example.ie"],
    ['Contact: bob@corp.example.org.'],
    ['<alice@example.com>'],
    ['"Alice" <alice@example.com>, bob@example.net'],
    ['mailto:carol@example.com?subject=x'],
    ['first line\nsecond dave@example.museum line'],
    ['rev@2 then erin@example.com'],
    ['a@@b and c@d.example.de'],
    ['1234@xn--bcher-kva.example'],
    // Internationalized (RFC 6531), address literals, localhost, a quoted local part.
    ['jöhn@exämple.de'],
    ['δοκιμή@παράδειγμα.δοκιμή'],
    ['用户@例子.广告'],
    ['иван@пример.рф'],
    ['müller@example.com'],
    ['x@xn--80akhbyknj4f.xn--p1ai'],
    ['john@localhost'],
    ['user@LOCALHOST.'],
    ['john@[127.0.0.1]'],
    ['ops@[IPv6:2001:db8::1]'],
    ['"john doe"@example.com'],
    ['𝒶@example.com'],
  ])('finds an e-mail address in %j', (text) => {
    expect(containsEmail(text)).toBe(true);
  });

  it.each([
    ['IPT users'],
    ['rev@2'],
    ['a@b'],
    ['user@localhosts'],
    ['build@head'],
    ['Mitel 6930@Büro'],
    ['firmware 6.2.0.1011@2026.11'],
    ['item@store.v2'],
    ['a@[300]'],
    ['a@b.c'],
    ['version 1.2@3.4'],
    ['@example.com'],
    ['foo @example.com'],
    ['foo@ example.com'],
    ['foo@-example.com'],
    ['@@@@'],
    ['x@'],
    [''],
    ['Report at 5@ noon'],
    ['price: 3 @ $4.50'],
    ['@mention in chat'],
  ])('finds none in %j', (text) => {
    expect(containsEmail(text)).toBe(false);
  });

  it.each([
    ['"a@" repeated', () => 'a@'.repeat(2_500_000)],
    ['only "@"', () => '@'.repeat(5_000_000)],
    ['"a@b." repeated', () => 'a@b.'.repeat(1_250_000)],
    ['one "@" before a long dotted tail', () => `x@${'a.'.repeat(2_500_000)}`],
    ['long labels without a TLD', () => (`a@${'b'.repeat(63)}.`).repeat(75_000)],
    ['many labels ending in a digit', () => (`a@a${'.a1'.repeat(9)}.a1 `).repeat(150_000)],
  ])('finishes on 5 MB of %s without finding one', (_label, make) => {
    const text = make();
    expect(text.length).toBeGreaterThanOrEqual(4_000_000);
    expect(containsEmail(text)).toBe(false);
  });

  it('finds an e-mail at the very end of 5 MB of "@"s', () => {
    expect(containsEmail(`${'a@'.repeat(2_500_000)} z@example.com`)).toBe(true);
  });
});

describe('findEmails', () => {
  it('gives the path of every value or key holding an address', () => {
    const value = {
      ok: 'IPT users',
      records: [{ a: 'x@example.com' }, { nested: { list: ['fine', 'y@example.org'] } }],
      'z@example.net': 1,
      k: 'rev@2',
    };
    expect(findEmails(value).sort()).toEqual([`[${JSON.stringify(REDACTED_KEY)}]`, 'records[0].a', 'records[1].nested.list[1]']);
  });

  it('finds an address at the top level', () => {
    expect(findEmails('x@example.com')).toEqual(['']);
    expect(findEmails(['x@example.com'])).toEqual(['[0]']);
  });

  it('ignores numbers, booleans and null', () => {
    expect(findEmails({ a: 1, b: true, c: null, d: [2, false] })).toEqual([]);
  });

  it('stops at the limit', () => {
    const many = Array.from({ length: 500 }, (_, i) => `u${i}@example.com`);
    expect(findEmails(many)).toHaveLength(100);
    expect(findEmails(many, 3)).toEqual(['[0]', '[1]', '[2]']);
  });

  it('walks deeply nested values without recursion', () => {
    let deep: unknown = 'x@example.com';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findEmails(deep)).toHaveLength(1);
  });
});

describe('jsonMayContainAt', () => {
  it.each([
    ['{"a":"b"}', false],
    ['{"a":"x@example.com"}', true],
    ['{"a":"x\\u0040example.com"}', true],
    ['{"a@":1}', true],
    ['{"a":"\\u0041"}', false],
  ])('%s → %s', (text, expected) => {
    expect(jsonMayContainAt(Buffer.from(text))).toBe(expected);
  });
});

describe('joinPath', () => {
  it.each([
    ['', 'a', 'a'],
    ['records[0]', 'unlicensedOn', 'records[0].unlicensedOn'],
    ['records', 41, 'records[41]'],
    ['', 0, '[0]'],
    ['records[0]', 'my field', 'records[0]["my field"]'],
    ['records[0]', '1st', 'records[0]["1st"]'],
    ['records[0]', 'a"b', 'records[0]["a\\"b"]'],
    ['', '$x_1', '$x_1'],
  ] as const)('joinPath(%j, %j) = %j', (path, key, expected) => {
    expect(joinPath(path, key)).toBe(expected);
  });
});

describe('an e-mail address anywhere in an upload', () => {
  const EMAIL = 'jane.doe@example.com';

  it('in a known string field', () => {
    const problem = recordsProblem('devices', [
      { deviceId: 'dev-1', deviceType: 'A', containerId: 'container-1', probeId: null, arid: null, hardwareId: `owner ${EMAIL}`, serialNumber: null },
    ]);
    expect(problem.code).toBe('pii_detected');
    expect(problem.errors).toEqual([{ path: 'records[0].hardwareId', message: expect.any(String) }]);
  });

  it('in an [A] field', () => {
    const problem = recordsProblem('user-actions', [{ userHash: EMAIL, actions: 1 }]);
    expect(problem.code).toBe('pii_detected');
    expect(pathsOf(problem)).toEqual(['records[0].userHash']);
  });

  it("in an unknown field's value (pii_detected, not validation_failed)", () => {
    const problem = recordsProblem('event-counts', [{ deviceId: 'dev-1', events: 1, owner: EMAIL }]);
    expect(problem.code).toBe('pii_detected');
    expect(pathsOf(problem)).toEqual(['records[0].owner']);
  });

  it('in a nested unknown value', () => {
    const problem = recordsProblem('event-counts', [{ deviceId: 'dev-1', events: 1, meta: { contacts: [{ mail: EMAIL }] } }]);
    expect(problem.code).toBe('pii_detected');
    expect(pathsOf(problem)).toEqual(['records[0].meta.contacts[0].mail']);
  });

  it('in a key', () => {
    const problem = recordsProblem('event-counts', [{ deviceId: 'dev-1', events: 1, [EMAIL]: true }]);
    expect(problem.code).toBe('pii_detected');
    // The key itself is not echoed back.
    expect(pathsOf(problem)).toEqual([`records[0][${JSON.stringify(REDACTED_KEY)}]`]);
  });

  it('in mpaVersion', () => {
    const problem = problemOf(() => validate('event-counts', envelope([], { mpaVersion: `3.4 built by ${EMAIL}` })));
    expect(problem.code).toBe('pii_detected');
    expect(pathsOf(problem)).toEqual(['mpaVersion']);
  });

  it('in an unknown envelope field, alongside other errors', () => {
    const problem = problemOf(() => validate('event-counts', envelope([{ deviceId: 'dev-1', events: -1 }], { contact: EMAIL, schemaVersion: 2 })));
    expect(problem.code).toBe('pii_detected');
    expect(pathsOf(problem)).toEqual(['contact']);
  });

  it('in uppercase', () => {
    expect(recordsProblem('licensing-counts', [{ item: EMAIL.toUpperCase(), count: 1 }]).code).toBe('pii_detected');
  });

  it('escaped as \\u0040 in the JSON text', () => {
    const text = `{"schemaVersion":1,"collectedAt":"${COLLECTED_AT}","mpaVersion":"3.4.1.12","records":[{"item":"jane.doe\\u0040example.com","count":1}]}`;
    expect(text).not.toContain('@');
    const raw = Buffer.from(text);
    const problem = problemOf(() => validate('licensing-counts', parseJson(text), { mayContainEmail: jsonMayContainAt(raw) }));
    expect(problem.code).toBe('pii_detected');
    expect(pathsOf(problem)).toEqual(['records[0].item']);
  });

  it('escaped in a key of the JSON text', () => {
    const text = `{"schemaVersion":1,"collectedAt":"${COLLECTED_AT}","mpaVersion":"3.4.1.12","records":[{"item":"a","count":1,"jane\\u0040example.com":1}]}`;
    const problem = problemOf(() => validate('licensing-counts', parseJson(text), { mayContainEmail: jsonMayContainAt(Buffer.from(text)) }));
    expect(problem.code).toBe('pii_detected');
  });

  it.each([...queryTypes])('is rejected for %s', (queryType: QueryType) => {
    const upload = sampleUpload(queryType, { devices: 5, collectedAt: COLLECTED_AT });
    upload.records[0] = { ...upload.records[0], note: `ask ${EMAIL}` };
    const problem = problemOf(() => validate(queryType, upload));
    expect(problem.code).toBe('pii_detected');
    expect(pathsOf(problem)).toEqual(['records[0].note']);
  });

  it('is rejected in the first string field of every type that has one', () => {
    for (const queryType of queryTypes) {
      const upload = sampleUpload(queryType, { devices: 5, collectedAt: COLLECTED_AT });
      const record = upload.records[0]!;
      const field = Object.keys(record).find((k) => typeof record[k] === 'string');
      if (field === undefined) continue; // user-counts: numbers only
      record[field] = EMAIL;
      const problem = problemOf(() => validate(queryType, upload));
      expect([queryType, problem.code, pathsOf(problem)]).toEqual([queryType, 'pii_detected', [`records[0].${field}`]]);
    }
  });
});

describe('no false positives', () => {
  it('accepts "@" that is not an e-mail in free-text fields', () => {
    expect(() =>
      validate('device-versions', envelope([
        { deviceId: 'dev@1', softwareVersion: '6.1@build2', hardwareVersion: 'rev@2' },
        { deviceId: 'dev-2', softwareVersion: 'v@host', hardwareVersion: null },
      ])),
    ).not.toThrow();
    expect(() => validate('licensing-counts', envelope([{ item: 'IPT users', count: 40 }, { item: 'users @ site A', count: 3 }]))).not.toThrow();
  });

  it('skips the walk when the caller knows the raw body holds no "@"', () => {
    const upload = envelope([{ item: 'IPT users', count: 40 }]);
    const raw = Buffer.from(JSON.stringify(upload));
    expect(jsonMayContainAt(raw)).toBe(false);
    expect(validate('licensing-counts', upload, { mayContainEmail: jsonMayContainAt(raw) }).recordCount).toBe(1);
  });

  it('handles a 5 MB value full of "@" in an upload', () => {
    const problem = recordsProblem('event-counts', [{ deviceId: 'dev-1', events: 1, blob: 'a@'.repeat(2_500_000) }]);
    expect(problem.code).toBe('validation_failed');
    expect(pathsOf(problem)).toEqual(['records[0].blob']);
  });
});
