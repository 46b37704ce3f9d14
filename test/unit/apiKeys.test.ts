/** API keys (DESIGN.md §3): issued by the service, stored only as hashes, compared in constant time. */
import { createHash } from 'node:crypto';
import { bearerToken, generateApiKey, hashApiKey, isWellFormedApiKey, sameHash } from '../../functions/domain/apiKeys.js';

describe('generateApiKey', () => {
  it.each([
    ['install', /^mpai_[A-Za-z0-9_-]{43}$/],
    ['staff', /^mpas_[A-Za-z0-9_-]{43}$/],
  ] as const)('makes %s keys with their prefix and 256 random bits', (role, format) => {
    const key = generateApiKey(role);
    expect(key).toMatch(format);
    expect(Buffer.from(key.slice(5), 'base64url')).toHaveLength(32);
    expect(isWellFormedApiKey(key)).toBe(true);
  });

  it('never repeats', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKey('install')));
    expect(keys.size).toBe(1000);
  });
});

describe('isWellFormedApiKey', () => {
  const body = 'A'.repeat(43);
  it.each([
    [`mpai_${body}`, true],
    [`mpas_${body}`, true],
    [`mpax_${body}`, false],
    [`MPAI_${body}`, false],
    [`mpai_${body}A`, false],
    [`mpai_${body.slice(1)}`, false],
    [`mpai_${body.slice(1)}=`, false],
    [`mpai_${body.slice(1)}+`, false],
    [` mpai_${body}`, false],
    [`mpai_${body}\n`, false],
    ['', false],
    ['test-staff-key-not-secret', false],
  ])('%j → %s', (key, expected) => {
    expect(isWellFormedApiKey(key)).toBe(expected);
  });
});

describe('hashApiKey', () => {
  it('is the SHA-256 hex digest', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const key = generateApiKey('staff');
    expect(hashApiKey(key)).toBe(createHash('sha256').update(key).digest('hex'));
  });

  it('is deterministic, 64 lowercase hex digits, and differs per key', () => {
    const key = generateApiKey('install');
    expect(hashApiKey(key)).toBe(hashApiKey(key));
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).not.toBe(hashApiKey(generateApiKey('install')));
  });

  it('does not contain the key', () => {
    const key = generateApiKey('install');
    expect(hashApiKey(key)).not.toContain(key.slice(5, 20));
  });
});

describe('sameHash', () => {
  const a = hashApiKey('key-a');
  const b = hashApiKey('key-b');

  it('is true for equal digests', () => {
    expect(sameHash(a, hashApiKey('key-a'))).toBe(true);
  });

  it('ignores hex case', () => {
    expect(sameHash(a, a.toUpperCase())).toBe(true);
  });

  it.each([
    ['different digests', a, b],
    ['a prefix', a, a.slice(0, 32)],
    ['an empty digest', a, ''],
    ['two empty digests', '', ''],
    ['non-hex text', 'zzzz', 'zzzz'],
  ])('is false for %s', (_label, left, right) => {
    expect(sameHash(left, right)).toBe(false);
  });
});

describe('bearerToken', () => {
  const key = generateApiKey('install');
  it.each([
    [`Bearer ${key}`, key],
    [`bearer ${key}`, key],
    [`BEARER ${key}`, key],
    [`Bearer   ${key}`, key],
    [`Bearer ${key} `, key],
    ['Bearer abc', 'abc'],
  ])('%j → the token', (header, expected) => {
    expect(bearerToken(header)).toBe(expected);
  });

  it.each([
    [undefined],
    [''],
    ['Bearer'],
    ['Bearer '],
    ['Bearer    '],
    [`Basic ${key}`],
    [`Token ${key}`],
    [`Bearer${key}`],
    [`Bearer ${key} extra`],
    [`Bearer\t${key}`],
    [` Bearer ${key}`],
    [key],
  ])('%j → undefined', (header) => {
    expect(bearerToken(header)).toBeUndefined();
  });
});
