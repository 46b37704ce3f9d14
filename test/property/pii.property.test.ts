/**
 * The e-mail guard (domain/pii.ts) over families of addresses, not single cases: an attack found
 * `jöhn@exämple.de`, `john@localhost` and `john@[127.0.0.1]` passing as non-PII. Every
 * internationalized address (RFC 6531: UTF-8 local parts and U-labels), address literal and
 * localhost address is found anywhere in a text; no ordinary version string or device type is.
 */
import fc from 'fast-check';
import { containsEmail } from '../../functions/domain/pii.js';
import { sampleRecords } from '../../functions/samples/sampleUploads.js';
import { propertyOptions } from './settings.js';

/** Letters of several scripts, with a combining mark now and then. */
const letter = fc.constantFrom(...'abcxyzäöüßéñçøåœ', ...'αβγδεζηθ', ...'абвгдежзи', ...'用户例子广告中国', ...'दकख', ...'ｱｲｳ', 'ä', 'e\u0301', 'क\u093f');
const word = (max: number) => fc.array(letter, { minLength: 1, maxLength: max }).map((chars) => chars.join(''));
const localPart = fc.oneof(
  fc.tuple(word(8), fc.option(fc.tuple(fc.constantFrom('.', '_', '+', '-'), word(6)))).map(([a, more]) => (more ? `${a}${more[0]}${more[1]}` : a)),
  word(6).map((w) => `"${w} ${w}"`),
);
const label = word(10);
const topLevel = fc.oneof(fc.constantFrom('de', 'com', 'org', 'museum', 'рф', 'δοκιμή', '中国', 'xn--p1ai', 'भारत'), word(5).filter((w) => w.length >= 2 && !/\d/.test(w)));
const domain = fc.oneof(
  fc.tuple(fc.array(label, { minLength: 1, maxLength: 3 }), topLevel).map(([labels, tld]) => `${labels.join('.')}.${tld}`),
  fc.constantFrom('localhost', 'LocalHost'),
  fc.tuple(fc.nat({ max: 255 }), fc.nat({ max: 255 }), fc.nat({ max: 255 }), fc.nat({ max: 255 })).map((parts) => `[${parts.join('.')}]`),
  fc.constantFrom('[IPv6:::1]', '[IPv6:2001:db8::1]', '[IPv6:fe80::1:2:3:4]'),
);
/** Text around the address that ends and starts with a separator. */
const surrounding = fc.tuple(fc.string({ maxLength: 20 }), fc.constantFrom(' ', '<', ': ', '\n', ', '), fc.constantFrom(' ', '>', '.', ',', '\n'), fc.string({ maxLength: 20 }));

it('finds every internationalized address, address literal and localhost address, anywhere in a text', () => {
  fc.assert(
    fc.property(localPart, domain, surrounding, (local, host, [before, open, close, after]) => {
      expect(containsEmail(`${before}${open}${local}@${host}${close}${after}`)).toBe(true);
    }),
    propertyOptions(2000),
  );
});

/** Versions as devices report them: dotted numbers, build suffixes, an '@' between numbers. */
const version = fc.oneof(
  fc.array(fc.nat({ max: 9999 }), { minLength: 1, maxLength: 5 }).map((parts) => parts.join('.')),
  fc.tuple(fc.array(fc.nat({ max: 99 }), { minLength: 1, maxLength: 4 }), fc.array(fc.nat({ max: 9999 }), { minLength: 1, maxLength: 3 })).map(([a, b]) => `${a.join('.')}@${b.join('.')}`),
  fc.tuple(fc.constantFrom('rev', 'build', 'v', 'SP', 'r'), fc.nat({ max: 999 }), fc.constantFrom('@', '-', '_', '+')).map(([w, n, s]) => `${w}${s}${n}`),
  fc.tuple(fc.nat({ max: 99 }), fc.constantFrom('@beta', '@rc1', '@2', '@head', '@ noon')).map(([n, s]) => `${n}${s}`),
);

it('takes no version string for an address', () => {
  fc.assert(
    fc.property(version, (text) => {
      expect(containsEmail(text)).toBe(false);
    }),
    propertyOptions(2000),
  );
});

it('takes no device type or version of the sample fleet for an address', () => {
  const values = [
    ...sampleRecords('devices', { devices: 200 }).flatMap((r) => Object.values(r)),
    ...sampleRecords('device-versions', { devices: 200 }).flatMap((r) => Object.values(r)),
  ].filter((v): v is string => typeof v === 'string');
  expect(values.length).toBeGreaterThan(100);
  expect(values.filter(containsEmail)).toEqual([]);
});
