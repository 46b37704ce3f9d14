/**
 * Signed license files over real HTTP (DESIGN.md §9): issue, the reports it needs, idempotent
 * reissues (racing ones too), the reads of staff and installs, the JWKS, the audit entry, and
 * the file itself verified twice, independently: with jose against the served JWKS, and with
 * node:crypto alone from the JWK.
 */
import { createPublicKey, verify } from 'node:crypto';
import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { itemKeys } from '../../functions/domain/storageKeys.js';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { queryTypes, type QueryType } from '../../functions/domain/queries/index.js';
import { call, clients, createTestInstall, staffKey, startTestApi, type TestApi, type TestInstall, upload, sample } from '../support/localApi.js';
import { issueLicenseFile, uploadEveryType } from '../support/licensing.js';
import { minutesAgo } from '../support/time.js';

const requiredTypes = queryTypes.filter((t) => !['call-quality', 'completed-schedules', 'user-actions'].includes(t));
const DAY = 86_400;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

/** The compact JWS inside the armored text, checking the armor on the way. */
function jwsOf(file: string): string {
  const lines = file.split('\n');
  expect(lines[0]).toBe('-----BEGIN MPA LICENSE FILE-----');
  expect(lines.at(-2)).toBe('-----END MPA LICENSE FILE-----');
  expect(lines.at(-1)).toBe('');
  const body = lines.slice(1, -2);
  for (const line of body.slice(0, -1)) expect(line).toHaveLength(64);
  expect(body.at(-1)!.length).toBeGreaterThan(0);
  expect(body.at(-1)!.length).toBeLessThanOrEqual(64);
  return body.join('');
}

async function jwks() {
  const answer = await call(api, 'GET', '/.well-known/jwks.json');
  expect(answer.status).toBe(200);
  return answer.body as { keys: { kty: string; crv: string; x: string; kid: string; use: string; alg: string }[] };
}

describe('issuing requires the reports of the last 30 days', () => {
  it('names every required type when there are none', async () => {
    const install = await createTestInstall(api);
    const answer = await issueLicenseFile(api, install.installId);
    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe('reports_missing');
    expect(answer.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(requiredTypes.map((t) => `queries.${t}`).sort());
    expect(requiredTypes).toHaveLength(9);
  });

  it('names exactly the missing and the older types; optional types are not required', async () => {
    const install = await createTestInstall(api);
    const older: QueryType[] = ['probes', 'devices'];
    const missing: QueryType[] = ['user-counts'];
    await uploadEveryType(api, install, minutesAgo(60), requiredTypes.filter((t) => !older.includes(t) && !missing.includes(t)));
    await uploadEveryType(api, install, minutesAgo(31 * 24 * 60), older);
    const answer = await issueLicenseFile(api, install.installId);
    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe('reports_missing');
    const byPath = new Map<string, string>(answer.body.errors.map((e: { path: string; message: string }) => [e.path, e.message]));
    expect([...byPath.keys()].sort()).toEqual(['queries.devices', 'queries.probes', 'queries.user-counts']);
    expect(byPath.get('queries.user-counts')).toMatch(/no accepted snapshot/);
    expect(byPath.get('queries.probes')).toMatch(/more than 30 days ago/);
    // Once the missing and older types are in, it issues without any optional type.
    await uploadEveryType(api, install, minutesAgo(30), [...older, ...missing]);
    const issued = await issueLicenseFile(api, install.installId);
    expect(issued.status).toBe(201);
    expect(issued.body.acknowledges.map((a: { queryType: string }) => a.queryType)).toEqual(requiredTypes);
  });

  it('leaves out an optional type whose snapshot an opt-out is deleting (its latest summary not yet)', async () => {
    const install = await createTestInstall(api);
    const collectedAt = minutesAgo(20);
    const receipts = await uploadEveryType(api, install, collectedAt, [...requiredTypes, 'user-actions']);
    // An opt-out half-way: the snapshot item deleted, the latest summary still there.
    const snapshot = itemKeys.snapshot(install.installId, 'user-actions', receipts.get('user-actions')!.collectedAt);
    await clients().ddb.send(new DeleteCommand({ TableName: clients().config.tableName, Key: snapshot }));
    const issued = await issueLicenseFile(api, install.installId);
    expect(issued.status).toBe(201);
    expect(issued.body.acknowledges.map((a: { queryType: string }) => a.queryType)).toEqual(requiredTypes);
  });

  it('refuses an unknown install, and bad validDays', async () => {
    expect((await issueLicenseFile(api, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    // An id longer than any table key could hold is a 404 too, not a 500.
    expect((await issueLicenseFile(api, 'x'.repeat(3000))).status).toBe(404);
    expect((await call(api, 'GET', `/v1/installs/${'x'.repeat(3000)}/license-files`, { key: staffKey() })).status).toBe(404);
    expect((await call(api, 'GET', `/v1/license-files/${'x'.repeat(3000)}`, { key: staffKey() })).status).toBe(404);
    const install = await createTestInstall(api);
    for (const validDays of [0, 401, 1.5, '30']) {
      const answer = await issueLicenseFile(api, install.installId, { validDays });
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0].path).toBe('validDays');
    }
    expect((await issueLicenseFile(api, install.installId, { validDays: 30, extra: true })).status).toBe(400);
  });
});

describe('an issued license file', () => {
  let install: TestInstall;
  let receipts: Map<QueryType, { uploadId: string; sha256: string; collectedAt: string }>;
  let issued: any;
  const before = Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    install = await createTestInstall(api);
    receipts = await uploadEveryType(api, install, minutesAgo(45));
    const answer = await issueLicenseFile(api, install.installId);
    expect(answer.status).toBe(201);
    expect(answer.headers.get('location')).toBe(`/v1/license-files/${answer.body.licenseFileId}`);
    issued = answer.body;
  });

  it('says what it acknowledges and grants', () => {
    expect(issued).toEqual({
      licenseFileId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      installId: install.installId,
      customerId: install.customerId,
      issuedAt: expect.any(String),
      expiresAt: expect.any(String),
      kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      entitlements: expect.any(Array),
      compliance: expect.any(Array),
      acknowledges: queryTypes.map((queryType) => ({ queryType, ...receipts.get(queryType)! })),
      file: expect.any(String),
    });
    expect(Date.parse(issued.expiresAt) - Date.parse(issued.issuedAt)).toBe(365 * DAY * 1000);
  });

  it('verifies with jose against the served JWKS, with exactly the header and claims of the contract', async () => {
    const jws = jwsOf(issued.file);
    expect(decodeProtectedHeader(jws)).toEqual({ alg: 'EdDSA', kid: issued.kid, typ: 'mpa-license+jwt' });
    const keySet = createLocalJWKSet(await jwks());
    const { payload, protectedHeader } = await jwtVerify(jws, keySet, { algorithms: ['EdDSA'], issuer: 'mpa-licensing', typ: 'mpa-license+jwt', subject: install.installId });
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: issued.kid, typ: 'mpa-license+jwt' });
    expect(Object.keys(payload).sort()).toEqual(['acknowledges', 'customerId', 'entitlements', 'exp', 'iat', 'iss', 'jti', 'nbf', 'nextReportDue', 'sub'].sort());
    expect(payload).toMatchObject({ iss: 'mpa-licensing', sub: install.installId, customerId: install.customerId, jti: issued.licenseFileId });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.nbf).toBe(payload.iat);
    expect(payload.exp).toBe(payload.iat! + 365 * DAY);
    expect(new Date(payload.iat! * 1000).toISOString()).toBe(issued.issuedAt);
    expect(new Date(payload.exp! * 1000).toISOString()).toBe(issued.expiresAt);
    expect(payload.nextReportDue).toBe(new Date((payload.iat! + 30 * DAY) * 1000).toISOString().slice(0, 10));
    expect(payload.acknowledges).toEqual(issued.acknowledges);
    expect(payload.entitlements).toEqual(issued.entitlements);
    // compactVerify too: the raw JWS, not only the JWT layer.
    const raw = await compactVerify(jws, keySet, { algorithms: ['EdDSA'] });
    expect(JSON.parse(new TextDecoder().decode(raw.payload))).toEqual(payload);
  });

  it('verifies with node:crypto alone: the Ed25519 signature over the signing input, from the JWK', async () => {
    const jws = jwsOf(issued.file);
    const [header, payload, signature] = jws.split('.') as [string, string, string];
    const jwk = (await jwks()).keys.find((k) => k.kid === issued.kid)!;
    const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' });
    expect(key.asymmetricKeyType).toBe('ed25519');
    const input = Buffer.from(`${header}.${payload}`, 'ascii');
    expect(input.length).toBeLessThanOrEqual(4096);
    const sig = Buffer.from(signature, 'base64url');
    expect(sig).toHaveLength(64);
    expect(verify(null, input, key, sig)).toBe(true);
    const tampered = Buffer.from(input);
    tampered[tampered.length - 1]! ^= 1;
    expect(verify(null, tampered, key, sig)).toBe(false);
  });

  // The order (current first) and expiry are in licenseFileContents.test.ts, whose table is its own.
  it('publishes its key in the JWKS, nothing but the public members', async () => {
    const answer = await call(api, 'GET', '/.well-known/jwks.json');
    // Never served stale from a cache in between: a new key's first file must find it.
    expect(answer.headers.get('cache-control')).toBe('public, no-cache');
    const { keys } = answer.body;
    expect(keys.find((k: { kid: string }) => k.kid === issued.kid)).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), kid: issued.kid, use: 'sig', alg: 'EdDSA' });
    for (const key of keys) expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    expect(new Set(keys.map((k: { kid: string }) => k.kid)).size).toBe(keys.length);
  });

  it('is answered again, 200 and the same file, while nothing changed', async () => {
    const again = await issueLicenseFile(api, install.installId, { validDays: 365 });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(issued);
    const noBody = await call(api, 'POST', `/v1/installs/${install.installId}/license-files`, { key: staffKey() });
    expect(noBody.status).toBe(200);
    expect(noBody.body.licenseFileId).toBe(issued.licenseFileId);
  });

  it('is new when validDays or a snapshot changed; racing identical requests give one file', async () => {
    const shorter = await issueLicenseFile(api, install.installId, { validDays: 30 });
    expect(shorter.status).toBe(201);
    expect(shorter.body.licenseFileId).not.toBe(issued.licenseFileId);
    expect(Date.parse(shorter.body.expiresAt) - Date.parse(shorter.body.issuedAt)).toBe(30 * DAY * 1000);

    const newer = await upload(api, install, 'event-counts', sample('event-counts', { collectedAt: minutesAgo(10) }));
    expect(newer.status).toBe(201);
    const racing = await Promise.all(Array.from({ length: 4 }, () => issueLicenseFile(api, install.installId, { validDays: 30 })));
    expect(racing.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(racing.map((r) => r.body.licenseFileId)).size).toBe(1);
    const file = racing[0]!.body;
    expect(file.acknowledges.find((a: { queryType: string }) => a.queryType === 'event-counts').uploadId).toBe(newer.body.uploadId);

    // Listed newest first: the racing one, the 30-day one, the first.
    const list = await call(api, 'GET', `/v1/installs/${install.installId}/license-files`, { key: staffKey() });
    expect(list.status).toBe(200);
    expect(list.body.items.map((f: { licenseFileId: string }) => f.licenseFileId)).toEqual([file.licenseFileId, shorter.body.licenseFileId, issued.licenseFileId]);
    expect(list.body.nextCursor).toBeNull();
    const first = await call(api, 'GET', `/v1/installs/${install.installId}/license-files?limit=2`, { key: staffKey() });
    expect(first.body.items).toHaveLength(2);
    const rest = await call(api, 'GET', `/v1/installs/${install.installId}/license-files?limit=2&cursor=${first.body.nextCursor}`, { key: staffKey() });
    expect(rest.body.items.map((f: { licenseFileId: string }) => f.licenseFileId)).toEqual([issued.licenseFileId]);
    expect(rest.body.nextCursor).toBeNull();

    // The install's newest is the racing one.
    const own = await call(api, 'GET', '/v1/license-file', { key: install.apiKey });
    expect(own.status).toBe(200);
    expect(own.body).toEqual(file);
  });

  it('is read by staff and by its own install only', async () => {
    const path = `/v1/license-files/${issued.licenseFileId}`;
    expect((await call(api, 'GET', path, { key: staffKey() })).body).toEqual(issued);
    expect((await call(api, 'GET', path, { key: install.apiKey })).body).toEqual(issued);
    const other = await createTestInstall(api);
    const refused = await call(api, 'GET', path, { key: other.apiKey });
    expect(refused.status).toBe(404);
    expect(refused.body.code).toBe('not_found');
    expect((await call(api, 'GET', '/v1/license-file', { key: other.apiKey })).status).toBe(404);
    expect((await call(api, 'GET', '/v1/license-files/not-an-id', { key: staffKey() })).status).toBe(404);
    expect((await call(api, 'GET', '/v1/license-files/00000000-0000-4000-8000-000000000000', { key: staffKey() })).status).toBe(404);
    expect((await call(api, 'GET', '/v1/installs/00000000-0000-4000-8000-000000000000/license-files', { key: staffKey() })).status).toBe(404);
  });

  it('is recorded in the audit trail, in the same transaction', async () => {
    const c = clients();
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await c.ddb.send(
        new ScanCommand({
          TableName: c.config.tableName,
          FilterExpression: '#action = :action AND #target = :target',
          ExpressionAttributeNames: { '#action': 'action', '#target': 'target' },
          ExpressionAttributeValues: { ':action': 'license-file.issue', ':target': `install/${install.installId}/license-file/${issued.licenseFileId}` },
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    const found = { Items: items };
    expect(found.Items).toHaveLength(1);
    expect(found.Items[0]!).toMatchObject({ actor: 'local-admin', at: expect.any(String) });
    expect(JSON.parse(found.Items[0]!.detailsJson as string)).toMatchObject({ validDays: 365, kid: issued.kid });
  });
});
