/**
 * `license issue` and `license verify`, run in-process against the local API: the customer's
 * offline check accepts the service's files and refuses, with the reason and exit code 1, a
 * changed payload or header, `alg: none` and other algorithms, an unknown kid, an expired or
 * not yet valid file and another install's file; wrong usage is exit code 2.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, SignJWT } from 'jose';
import { armor, unarmor } from '../../functions/domain/licenseFiles.js';
import { runCliAt } from '../support/cliRun.js';
import { call, createTestInstall, staffKey, startTestApi, type TestApi, type TestInstall } from '../support/localApi.js';
import { uploadEveryType } from '../support/licensing.js';
import { minutesAgo } from '../support/time.js';

let api: TestApi;
let dir: string;
let install: TestInstall;
let licensePath: string;
let jwksPath: string;

const cli = (args: string[], env: Record<string, string> = {}) => runCliAt(api.url, args, { env });

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

beforeAll(async () => {
  api = await startTestApi();
  dir = await mkdtemp(join(tmpdir(), 'mpa-license-cli-'));
  install = await createTestInstall(api);
  await uploadEveryType(api, install, minutesAgo(20));
  licensePath = join(dir, 'license.txt');
  jwksPath = join(dir, 'jwks.json');
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

describe('license issue', () => {
  it('writes the file text with --out, or prints it', async () => {
    const issued = await cli(['license', 'issue', install.installId, '--valid-days', '90', '--out', licensePath], { MPA_API_KEY: staffKey() });
    expect(issued.stderr).toBe('');
    expect(issued.code).toBe(0);
    expect(issued.stdout).toMatch(new RegExp(`license file [0-9a-f-]{36} of install ${install.installId}, valid until .*, written to`));
    const text = await readFile(licensePath, 'utf8');
    expect(text).toMatch(/^-----BEGIN MPA LICENSE FILE-----\n([A-Za-z0-9_.-]{1,64}\n)+-----END MPA LICENSE FILE-----\n$/);
    // The same request again: the same file, printed.
    const printed = await cli(['license', 'issue', install.installId, '--valid-days', '90'], { MPA_API_KEY: staffKey() });
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(text);
    await writeFile(jwksPath, JSON.stringify((await call(api, 'GET', '/.well-known/jwks.json')).body));
  });

  it('reports missing reports, and wrong usage', async () => {
    const empty = await createTestInstall(api);
    const refused = await cli(['license', 'issue', empty.installId], { MPA_API_KEY: staffKey() });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/409 reports_missing/);
    expect(refused.stdout).toMatch(/queries\.devices: no accepted snapshot/);
    expect((await cli(['license', 'issue', install.installId, '--valid-days', '0'], { MPA_API_KEY: staffKey() })).code).toBe(2);
    expect((await cli(['license', 'issue'], { MPA_API_KEY: staffKey() })).code).toBe(2);
  });
});

describe('license verify', () => {
  it('accepts a file of the service, against its JWKS by URL (the default) or a saved copy', async () => {
    const byUrl = await cli(['license', 'verify', licensePath]);
    expect(byUrl.stderr).toContain(`keys from ${api.url}/.well-known/jwks.json`);
    expect(byUrl.code).toBe(0);
    expect(byUrl.stdout).toContain('VALID license file');
    expect(byUrl.stdout).toContain(`install      ${install.installId}`);
    expect(byUrl.stdout).toContain(`customer     ${install.customerId}`);
    expect(byUrl.stdout).toMatch(/valid {8}\S+ to \S+/);
    expect(byUrl.stdout).toMatch(/acknowledged snapshots \(12\)/);
    expect(byUrl.stdout).toContain('device-license-states');
    const offline = await cli(['license', 'verify', licensePath, '--jwks', jwksPath, '--install-id', install.installId], {});
    expect(offline.code).toBe(0);
    const json = await cli(['--json', 'license', 'verify', licensePath, '--jwks', jwksPath]);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, installId: install.installId, customerId: install.customerId, acknowledges: expect.any(Array) });
  });

  async function refusedWith(text: string, reason: RegExp, extra: string[] = []): Promise<void> {
    const path = join(dir, `case-${Math.random().toString(36).slice(2)}.txt`);
    await writeFile(path, text);
    const run = await cli(['license', 'verify', path, '--jwks', jwksPath, ...extra]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/NOT VALID: /);
    expect(run.stderr).toMatch(reason);
  }

  it('refuses a changed payload, a changed header, another install, and text that is no license file', async () => {
    const jws = unarmor(await readFile(licensePath, 'utf8'))!;
    const [header, payload, signature] = jws.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const more = { ...claims, entitlements: [{ entitlementId: 'free', item: 'IPT users', quantity: 100000, termEnd: null }] };
    await refusedWith(armor(`${header}.${b64(more)}.${signature}`), /bad signature/);
    const decoded = JSON.parse(Buffer.from(header, 'base64url').toString());
    await refusedWith(armor(`${b64({ typ: decoded.typ, kid: decoded.kid, alg: 'EdDSA' })}.${payload}.${signature}`), /bad signature/);
    await refusedWith(armor(`${b64({ ...decoded, crit: ['exp'] })}.${payload}.${signature}`), /unexpected members: crit/);
    await refusedWith(armor(jws), /another install/, ['--install-id', '00000000-0000-4000-8000-000000000000']);
    await refusedWith('hello', /not an MPA license file/);
  });

  it("refuses alg none, another algorithm, and a kid the JWKS lacks", async () => {
    const jws = unarmor(await readFile(licensePath, 'utf8'))!;
    const [header, payload, signature] = jws.split('.') as [string, string, string];
    const decoded = JSON.parse(Buffer.from(header, 'base64url').toString());
    await refusedWith(armor(`${b64({ ...decoded, alg: 'none' })}.${payload}.`), /algorithm is "none", not EdDSA/);
    await refusedWith(armor(`${b64({ ...decoded, alg: 'HS256' })}.${payload}.${signature}`), /algorithm is "HS256", not EdDSA/);
    await refusedWith(armor(`${b64({ ...decoded, kid: 'A'.repeat(43) })}.${payload}.${signature}`), /unknown kid/);
  });

  it('refuses an expired file and one not yet valid (signed by a key of the JWKS)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: publicKey.export({ format: 'jwk' }).x! };
    const kid = await calculateJwkThumbprint(jwk);
    const ownJwks = join(dir, 'own-jwks.json');
    await writeFile(ownJwks, JSON.stringify({ keys: [{ ...jwk, kid, use: 'sig', alg: 'EdDSA' }] }));
    const now = Math.floor(Date.now() / 1000);
    const file = (iat: number, exp: number) =>
      new SignJWT({ customerId: 'c', entitlements: [], acknowledges: [], nextReportDue: '2030-01-01' })
        .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'mpa-license+jwt' })
        .setIssuer('mpa-licensing')
        .setSubject(install.installId)
        .setJti('00000000-0000-4000-8000-000000000009')
        .setIssuedAt(iat)
        .setNotBefore(iat)
        .setExpirationTime(exp)
        .sign(privateKey);
    const check = async (jws: string) => {
      const path = join(dir, `own-${Math.random().toString(36).slice(2)}.txt`);
      await writeFile(path, armor(jws));
      return cli(['license', 'verify', path, '--jwks', ownJwks]);
    };
    expect((await check(await file(now - 100, now + 100))).code).toBe(0);
    const expired = await check(await file(now - 200, now - 100));
    expect(expired.code).toBe(1);
    expect(expired.stderr).toMatch(/NOT VALID: expired at /);
    const early = await check(await file(now + 3600, now + 7200));
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/NOT VALID: not yet valid: valid from /);
  });

  it('is wrong usage without a file, an unreadable file, or no JWKS to be had', async () => {
    expect((await cli(['license', 'verify'])).code).toBe(2);
    expect((await cli(['license', 'verify', join(dir, 'missing.txt'), '--jwks', jwksPath])).code).toBe(2);
    const noJwks = await cli(['license', 'verify', licensePath], { MPA_URL: '' });
    expect(noJwks.code).toBe(2);
    expect(noJwks.stderr).toMatch(/--jwks/);
  });
});
