/**
 * Cases for the HTTP fuzzer: a deterministic stream (seeded) of hostile requests against the
 * route table, mostly with valid keys so they get past the authorizer and reach handlers.
 * Families: random bytes, truncated and deeply nested JSON, huge strings and numbers, wrong
 * and duplicated headers, bogus content encodings, unicode edge cases, prototype-pollution
 * keys in bodies, query strings and headers, forged cursors and parameters, over-long path and
 * query parameters on every route of the table, random paths and methods, odd Authorization
 * headers, and bytes that are not HTTP at all.
 */
import { gzipSync } from 'node:zlib';
import { queryTypes } from '../../functions/domain/queries/index.js';
import { mulberry32 } from '../../functions/samples/sampleUploads.js';
import { routeDocs } from '../../functions/api/routeDocs.js';
import { type Route, routes, uploadPathVariable } from '../../functions/routes.js';
import type { RawRequest } from '../support/rawHttp.js';

export interface FuzzContext {
  installKey: string;
  staffKey: string;
  installId: string;
  customerId: string;
  uploadId: string;
  /** An install whose key the fuzzer may rotate (never the one it sends requests as). */
  spareInstallId: string;
  /** A valid upload (JSON) of each query type. */
  samples: Record<string, Buffer>;
}

export type FuzzCase = Built & { family: string };

/** The samples' generator (mulberry32) for a numeric seed, with the draws the builders need. */
export class Random {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'FOO', 'get', 'PROPFIND'];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json;charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/zip',
  'application/problem+json',
  '',
  'application/json, text/plain',
  '*/*',
];
const ENCODINGS = ['gzip', 'x-gzip', 'GZIP', 'br', 'deflate', 'gzip, gzip', 'identity', 'identity, gzip', 'compress', 'gzip;q=1', ' ', 'zstd'];
const UNICODE = ['\uFEFF', '\u0000', '\uD800', '\uDFFF', '\uD83D\uDE00', '\u202E', '\u200B', 'e\u0301', '\uFFFF', '\u2028', '😀'.repeat(3), 'Ω≈ç√∫'];
const NUMBERS = ['1e309', '-1e309', '1e-400', '123456789012345678901234567890', '-0', '0.0000000000000000000001', '9007199254740993', '1E+2', '0x10', 'NaN', 'Infinity', '01', '.5', '1.', '-'];

/** A case without its family: the builders' table names it. */
type Built = { request: RawRequest } | { socket: Buffer };
type Builder = (r: Random, ctx: FuzzContext) => Built;

/** Every byte of the UTF-8 form percent-encoded (lone surrogates become U+FFFD, as Buffer writes them). */
function percentEncoded(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
}

/** A path of a real route with its parameters filled (plausibly, or not). */
function routePath(r: Random, ctx: FuzzContext): { method: string; path: string; roles: readonly string[] } {
  const route = r.pick(routes);
  const path = route.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const plausible: Record<string, string[]> = {
      // Rotating the fuzzer's own key would turn every later request into a 401.
      installId: [route.handler === 'postInstallKey' ? ctx.spareInstallId : ctx.installId, '00000000-0000-0000-0000-000000000000'],
      customerId: [ctx.customerId, 'nobody'],
      [uploadPathVariable]: [...queryTypes, ctx.uploadId],
    };
    return r.chance(0.7) ? r.pick(plausible[name] ?? ['x']) : percentEncoded(r.pick([...UNICODE, '..', '%', '', ' ', '__proto__', 'constructor', 'x'.repeat(300)]));
  });
  return { method: route.method, path, roles: route.roles };
}

function keyFor(r: Random, ctx: FuzzContext, roles: readonly string[]): string | undefined {
  if (r.chance(0.05)) return undefined;
  if (roles.includes('staff') && (!roles.includes('install') || r.chance(0.5))) return ctx.staffKey;
  return ctx.installKey;
}

function authHeaders(key: string | undefined): [string, string][] {
  return key === undefined ? [] : [['authorization', `Bearer ${key}`]];
}

function uploadRequest(r: Random, ctx: FuzzContext, body: Buffer, extra: [string, string][] = []): RawRequest {
  return {
    method: 'POST',
    path: `/v1/uploads/${r.pick(queryTypes)}`,
    headers: [['content-type', 'application/json'], ...authHeaders(ctx.installKey), ...extra],
    body,
  };
}

function sampleOf(r: Random, ctx: FuzzContext): { queryType: string; json: Buffer } {
  const queryType = r.pick(queryTypes);
  return { queryType, json: ctx.samples[queryType]! };
}

/** Nested arrays or objects `depth` deep, as text. */
function nested(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Replaces the value of the first record's first field (or adds a member) with some JSON text. */
function withValue(json: Buffer, valueText: string): Buffer {
  const text = json.toString('utf8');
  const marker = '"records":[{';
  const at = text.indexOf(marker);
  if (at === -1) return Buffer.from(text.replace('"mpaVersion":', `"x":${valueText},"mpaVersion":`));
  const colon = text.indexOf(':', at + marker.length);
  const rest = text.slice(colon + 1);
  return Buffer.from(text.slice(0, colon + 1) + valueText + rest.slice(rest.search(/[,}]/)));
}

/** A gzip body that inflates past the 100 MiB limit (made once). */
let bomb: Buffer | undefined;
const gzipBomb = () => (bomb ??= gzipSync(Buffer.alloc(101 * 1024 * 1024), { level: 9 }));

const builders: [number, string, Builder][] = [
  [8, 'random bytes', (r, ctx) => ({ request: uploadRequest(r, ctx, r.bytes(r.int(4096)), r.chance(0.3) ? [['content-encoding', 'gzip']] : []) })],
  [
    8,
    'truncated JSON',
    (r, ctx) => {
      const { json } = sampleOf(r, ctx);
      const cut = json.subarray(0, r.int(json.length));
      const gzip = r.chance(0.3);
      const body = gzip ? gzipSync(json).subarray(0, r.int(gzipSync(json).length)) : cut;
      return { request: uploadRequest(r, ctx, body, gzip ? [['content-encoding', 'gzip']] : []) };
    },
  ],
  [
    5,
    'deep nesting',
    (r, ctx) => {
      const depth = r.pick([100, 1000, 10_000, 100_000, 200_000]);
      const kind = r.pick(['array', 'object'] as const);
      const where = r.int(3);
      const deep = nested(depth, kind);
      const text =
        where === 0
          ? deep
          : where === 1
            ? `{"schemaVersion":1,"collectedAt":"${new Date().toISOString()}","mpaVersion":"1","records":[${deep}]}`
            : `{"schemaVersion":1,"collectedAt":"${new Date().toISOString()}","mpaVersion":"1","records":[],"x":${deep}}`;
      if (r.chance(0.3)) {
        const route: Route = r.pick(routes.filter((candidate) => candidate.method !== 'GET'));
        const key = route.roles.includes('install') ? ctx.installKey : ctx.staffKey;
        return { request: { method: route.method, path: route.path.replace(/\{[^}]+\}/g, 'devices'), headers: [['content-type', 'application/json'], ...authHeaders(key)], body: text } };
      }
      return { request: uploadRequest(r, ctx, Buffer.from(text)) };
    },
  ],
  [
    2,
    'huge strings',
    (r, ctx) => {
      const size = r.pick([100_000, 100_000, 1_000_000, 1_000_000, 6_500_000, 11_000_000]);
      const { json } = sampleOf(r, ctx);
      const value = `"${'x'.repeat(size)}"`;
      const body = r.chance(0.5) ? withValue(json, value) : Buffer.from(`{"schemaVersion":1,"collectedAt":"${new Date().toISOString()}","mpaVersion":${value},"records":[]}`);
      return { request: uploadRequest(r, ctx, body, r.chance(0.3) ? [['content-encoding', 'gzip']] : []) };
    },
  ],
  [
    6,
    'huge and odd numbers',
    (r, ctx) => {
      const { json } = sampleOf(r, ctx);
      return { request: uploadRequest(r, ctx, withValue(json, r.pick(NUMBERS))) };
    },
  ],
  [
    10,
    'wrong and duplicated headers',
    (r, ctx) => {
      const { queryType, json } = sampleOf(r, ctx);
      const headers: [string, string][] = [];
      const n = r.between(0, 3);
      for (let i = 0; i < n; i++) headers.push(['content-type', r.pick(CONTENT_TYPES)]);
      if (r.chance(0.3)) headers.push(['authorization', `Bearer ${ctx.installKey}`], ['authorization', r.pick(['Bearer nope', `Bearer ${ctx.staffKey}`, 'Basic abc'])]);
      else headers.push(['authorization', `Bearer ${ctx.installKey}`]);
      if (r.chance(0.3)) headers.push(['content-encoding', r.pick(ENCODINGS)], ['content-encoding', r.pick(ENCODINGS)]);
      if (r.chance(0.2)) headers.push(['x-forwarded-for', '127.0.0.1, 10.0.0.1'], ['host', 'evil.example']);
      if (r.chance(0.1)) headers.push(['x-long', 'a'.repeat(r.pick([1000, 8000, 20_000]))]);
      if (r.chance(0.1)) headers.push(['expect', '100-continue']);
      return { request: { method: 'POST', path: `/v1/uploads/${queryType}`, headers, body: json } };
    },
  ],
  [
    8,
    'bogus content encodings',
    (r, ctx) => {
      const { json } = sampleOf(r, ctx);
      const bodies = [() => json, () => gzipSync(json), () => gzipSync(gzipSync(json)), () => r.bytes(64), () => gzipSync(Buffer.alloc(1000)), () => Buffer.alloc(0)];
      // A gzip bomb now and then: inflating 100 MiB costs a second of CPU.
      const body = r.chance(0.03) ? gzipBomb() : r.pick(bodies)();
      return { request: uploadRequest(r, ctx, body, [['content-encoding', r.pick(ENCODINGS)]]) };
    },
  ],
  [
    10,
    'unicode edge cases',
    (r, ctx) => {
      const { json } = sampleOf(r, ctx);
      const text = json.toString('utf8');
      const variant = r.int(6);
      let body: Buffer;
      if (variant === 0) body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json]);
      else if (variant === 1) body = Buffer.from(text.replace('"mpaVersion":"', `"mpaVersion":"${JSON.stringify(r.pick(UNICODE)).slice(1, -1)}`));
      else if (variant === 2) body = Buffer.from(text.replace('"mpaVersion":"', '"mpaVersion":"\\ud800\\u0000'));
      else if (variant === 3) {
        // Raw bytes that are not UTF-8: a lone surrogate, an overlong '/', a stray continuation byte, 0xFF.
        const bad = r.pick([Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xc0, 0xaf]), Buffer.from([0x80]), Buffer.from([0xff]), Buffer.from([0x00])]);
        const at = json.indexOf('"mpaVersion":"') + 14;
        body = Buffer.concat([json.subarray(0, at), bad, json.subarray(at)]);
      } else if (variant === 4) body = Buffer.from(text.replace(/"([a-zA-Z]+)":/, `"$1${r.pick(UNICODE)}":`));
      else body = Buffer.from(JSON.stringify({ customerId: r.pick(UNICODE), name: r.pick(UNICODE) }));
      if (variant === 5) return { request: { method: 'POST', path: '/v1/installs', headers: [['content-type', 'application/json'], ...authHeaders(ctx.staffKey)], body } };
      return { request: uploadRequest(r, ctx, body) };
    },
  ],
  [
    4,
    'unicode in paths and queries',
    (r, ctx) => {
      const { method, path, roles } = routePath(r, ctx);
      const bad = r.pick(['%00', '%ED%A0%80', '%F0%9F%98%80', '%FF', '%', '%zz', '..%2F..%2F', '%2e%2e', '\u00e9', '%C0%AF']);
      const target = r.chance(0.5) ? `${path}${bad}` : `${path}?limit=${bad}&cursor=${bad}&${bad}=1`;
      return { request: { method, path: target, headers: authHeaders(keyFor(r, ctx, roles)) } };
    },
  ],
  [
    8,
    'prototype pollution in bodies',
    (r, ctx) => {
      const key = r.pick(PROTO_KEYS);
      const polluter = r.pick([`{"${key}":{"polluted":"yes"}}`, `{"${key}":{"prototype":{"polluted":"yes"}}}`, `{"constructor":{"prototype":{"polluted":"yes"}}}`, `{"${key}":null}`, `{"${key}":"x"}`]);
      const target = r.int(5);
      if (target === 0) {
        const { json } = sampleOf(r, ctx);
        const text = json.toString('utf8');
        const at = r.chance(0.5) ? text.indexOf('{', 1) + 1 : 1;
        const inner = polluter.slice(1, -1);
        return { request: uploadRequest(r, ctx, Buffer.from(`${text.slice(0, at)}${inner},${text.slice(at)}`)) };
      }
      const targets: [string, string, string][] = [
        ['/v1/installs', ctx.staffKey, `{"customerId":"c","name":"n",${polluter.slice(1, -1)}}`],
        ['/v1/usage-collection', ctx.installKey, `{"enabled":true,${polluter.slice(1, -1)}}`],
        ['/v1/upload-sessions', ctx.installKey, `{"kind":"query","queryType":"devices","contentLength":10,${polluter.slice(1, -1)}}`],
        ['/v1/installs', ctx.staffKey, polluter],
      ];
      const [path, key2, body] = targets[target - 1]!;
      return { request: { method: path === '/v1/usage-collection' ? 'PUT' : 'POST', path, headers: [['content-type', 'application/json'], ...authHeaders(key2)], body } };
    },
  ],
  [
    8,
    'prototype pollution in queries and headers',
    (r, ctx) => {
      const gets = routes.filter((route) => route.method === 'GET');
      const route = r.pick(gets);
      const path = route.path
        .replace('{installId}', ctx.installId)
        .replace('{customerId}', ctx.customerId)
        .replace(`{${uploadPathVariable}}`, ctx.uploadId);
      const params = [
        '__proto__[polluted]=yes',
        '__proto__=x',
        'constructor=x',
        'constructor[prototype][polluted]=yes',
        'prototype=x',
        'toString=x',
        'hasOwnProperty=x',
        'valueOf=1',
        '__proto__.polluted=yes',
        'limit=5&limit=6',
        'queryType=__proto__',
        'deviceType=constructor',
      ];
      const query = Array.from({ length: r.between(1, 4) }, () => r.pick(params)).join('&');
      const headers: [string, string][] = [...authHeaders(keyFor(r, ctx, route.roles))];
      if (r.chance(0.4)) headers.push([r.pick(PROTO_KEYS), 'polluted'], ['toString', 'x']);
      return { request: { method: 'GET', path: `${path}?${query}`, headers } };
    },
  ],
  [
    8,
    'forged cursors and parameters',
    (r, ctx) => {
      // Each listing with cursors shaped like its own (its key names and partition), with values forged.
      const lists: [string, Record<string, string>][] = [
        [`/v1/installs/${ctx.installId}/uploads`, { GSI1PK: `INSTALL#${ctx.installId}`, GSI1SK: '' }],
        [`/v1/installs/${ctx.installId}/uploads?queryType=devices`, { GSI2PK: `INSTALL#${ctx.installId}#devices`, GSI2SK: '' }],
        ['/v1/reports/stale', { GSI2PK: 'INSTALLS', GSI2SK: '' }],
        ['/v1/reports/duplicate-identifiers', { GSI1PK: 'DUPLICATES', GSI1SK: '' }],
        ['/v1/reports/expiring', { after: '' }],
        ['/v1/reports/versions', { after: '' }],
      ];
      const [path, shape] = r.pick(lists);
      const value = () => r.pick(['', 'x', '~~~~', '0', `INSTALL#${ctx.installId}`, 'UPLOAD#x', '\u0000', 'z'.repeat(1100), `2999-01-01T00:00:00.000Z#${ctx.installId}`]);
      const forged: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(shape)) if (r.chance(0.85)) forged[k] = v === '' || r.chance(0.2) ? value() : v;
      if (!('after' in shape)) for (const k of ['PK', 'SK']) if (r.chance(0.85)) forged[k] = value();
      if (r.chance(0.1)) forged[r.pick(['PK', 'extra', '__proto__', 'after'])] = r.pick([1, null, {}, 'x']);
      const cursor = r.chance(0.9) ? Buffer.from(JSON.stringify(r.chance(0.05) ? r.pick([[], 'string', null, 42]) : forged)).toString('base64url') : r.pick(['!!!', '', 'a'.repeat(5000), '%00']);
      const params = [`cursor=${encodeURIComponent(cursor)}`];
      if (r.chance(0.3)) params.push(`limit=${r.pick(['0', '-1', '1001', 'abc', '1e3', '1.5', '', '99999999999999999999', '10'])}`);
      if (r.chance(0.2)) params.push(r.pick(['asOf=2026-02-30', 'asOf=yesterday', 'asOf=2026-01-01T00:00:00Z', 'withinDays=-1', 'withinDays=1e9', 'days=abc', 'queryType=nope', 'queryType=', `deviceType=${'x'.repeat(500)}`]));
      const separator = path.includes('?') ? '&' : '?';
      return { request: { method: 'GET', path: `${path}${separator}${params.join('&')}`, headers: authHeaders(ctx.staffKey) } };
    },
  ],
  [
    6,
    'over-long parameters',
    (r, ctx) => {
      // Any route of the table; one of its path parameters, or a query parameter it documents
      // (or any other name), past every bound: the rules', the default's, DynamoDB's 2,048 bytes.
      const route: Route = r.pick(routes);
      const names = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      const queryNames = [...Object.keys(routeDocs[route.handler as keyof typeof routeDocs]?.query ?? {}), 'x'];
      const long = (r.chance(0.5) ? 'a' : r.pick(['%C3%A9', '0', '-', '%F0%9F%98%80'])).repeat(r.pick([37, 129, 257, 1025, 2049, 2100, 4097, 8000]));
      const inPath = names.length > 0 && r.chance(0.6) ? r.pick(names) : undefined;
      const path = route.path.replace(/\{([^}]+)\}/g, (_m, name: string) => (name === inPath ? long : name === 'customerId' ? ctx.customerId : name === 'installId' ? (route.handler === 'postInstallKey' ? ctx.spareInstallId : ctx.installId) : ctx.uploadId));
      const query = inPath === undefined ? `?${r.pick(queryNames)}=${long}` : '';
      const body: Partial<RawRequest> = route.method === 'GET' ? {} : { body: '{}' };
      return { request: { method: route.method, path: `${path}${query}`, headers: [['content-type', 'application/json'], ...authHeaders(keyFor(r, ctx, route.roles))], ...body } };
    },
  ],
  [
    8,
    'random paths and methods',
    (r, ctx) => {
      const segments = ['v1', 'v2', 'uploads', 'installs', 'keys', '..', '.', '', 'health', 'openapi.json', 'reports', '%2F', 'x'.repeat(r.int(50)), '*', '~', ctx.installId];
      const path = r.chance(0.5)
        ? `/${Array.from({ length: r.between(0, 6) }, () => r.pick(segments)).join('/')}`
        : routePath(r, ctx).path + r.pick(['', '/', '//', '/extra', '?', '#frag', '/..', '?a=%']);
      const long = r.chance(0.05) ? `/${'a'.repeat(r.pick([5000, 70_000]))}` : path;
      return { request: { method: r.pick(METHODS), path: long, headers: r.chance(0.5) ? authHeaders(r.pick([ctx.installKey, ctx.staffKey])) : [] } };
    },
  ],
  [
    6,
    'odd Authorization headers',
    (r, ctx) => {
      const { method, path } = routePath(r, ctx);
      const values = [
        'Bearer',
        'Bearer ',
        `bearer ${ctx.installKey}`,
        `Bearer  ${ctx.installKey}`,
        `Bearer\t${ctx.installKey}`,
        `Bearer ${ctx.installKey} extra`,
        `Bearer ${ctx.installKey.slice(0, -1)}`,
        `Bearer ${ctx.installKey.toUpperCase()}`,
        `Basic ${Buffer.from('a:b').toString('base64')}`,
        `Bearer ${'x'.repeat(600)}`,
        `Bearer mpai_${'A'.repeat(43)}`,
        `Bearer mpas_${'-'.repeat(43)}`,
        `Bearer ${ctx.staffKey}`,
        `, Bearer ${ctx.installKey}`,
        `Bearer ${encodeURIComponent('ключ')}`,
      ];
      const body: Partial<RawRequest> = method === 'GET' ? {} : { body: '{}' };
      const contentType: [string, string][] = method === 'GET' ? [] : [['content-type', 'application/json']];
      return { request: { method, path, headers: [['authorization', r.pick(values)], ...contentType], ...body } };
    },
  ],
  [
    4,
    'bytes that are not HTTP',
    (r, ctx) => {
      const key = `Bearer ${ctx.installKey}`;
      const raw = [
        'GET\r\n\r\n',
        'FOO / HTTP/1.1\r\nHost: x\r\n\r\n',
        'GET / HTTP/9.9\r\nHost: x\r\n\r\n',
        'GET /health HTTP/1.1\r\nHost: x\r\nbroken header\r\n\r\n',
        'GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n',
        `POST /v1/uploads/devices HTTP/1.1\r\nHost: x\r\nAuthorization: ${key}\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n{}`,
        `POST /v1/uploads/devices HTTP/1.1\r\nHost: x\r\nAuthorization: ${key}\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\n{}`,
        `POST /v1/uploads/devices HTTP/1.1\r\nHost: x\r\nAuthorization: ${key}\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n0\r\n\r\n`,
        `POST /v1/uploads/devices HTTP/1.1\r\nHost: x\r\nAuthorization: ${key}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
        `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
        '\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03',
        `GET /v1/installs/${ctx.installId} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe\r\n\r\n`,
      ];
      return { socket: Buffer.from(r.pick(raw), 'latin1') };
    },
  ],
];

const totalWeight = builders.reduce((n, [w]) => n + w, 0);

/** The builder a draw in [0, totalWeight) falls to. */
function byWeight(pick: number): (typeof builders)[number] {
  return builders.find(([w]) => (pick -= w) < 0)!;
}

/** `count` cases from `seed`; every family appears (the first cases cycle through them). */
export function* fuzzCases(seed: number, count: number, ctx: FuzzContext): Generator<FuzzCase> {
  const r = new Random(seed);
  for (let i = 0; i < count; i++) {
    const [, family, build] = i < builders.length ? builders[i]! : byWeight(r.int(totalWeight));
    yield { family, ...build(r, ctx) };
  }
}

export const fuzzFamilies = builders.map(([, name]) => name);
