/**
 * What a license file grants and shows, over real HTTP, with the entitlements seam
 * (services/compliance.ts) replaced by a module mock, so these hold whatever the entitlement
 * store holds: which entitlements and compliance rows a file embeds, a file too large to sign
 * (409), and key rotation through the KMS signer against a KMS stand-in: a new key, a new
 * kid, both in the JWKS while their files are valid. This file has a table of its own, so
 * the JWKS it reads is only its own keys'.
 */
import { generateKeyPairSync, sign as edSign } from 'node:crypto';
import { jest } from '@jest/globals';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { createLocalJWKSet, jwtVerify } from 'jose';
import type { ComplianceRow, Entitlement } from '../../functions/domain/licensing.js';

const entitlementsByCustomer = new Map<string, Entitlement[]>();
const complianceByCustomer = new Map<string, ComplianceRow[]>();
const asOfSeen: string[] = [];
jest.unstable_mockModule('../../functions/services/compliance.js', () => ({
  customerEntitlements: async (_c: unknown, customerId: string) => entitlementsByCustomer.get(customerId) ?? [],
  customerCompliance: async (_c: unknown, customerId: string, asOf: string) => {
    asOfSeen.push(asOf);
    return complianceByCustomer.get(customerId) ?? [];
  },
  // The report route shares the module; this file never calls it.
  overDeploymentReport: async () => [],
}));

process.env.TABLE_NAME = `mpa-licensing-license-contents-${process.pid}`;
const { createClients, destroyClients } = await import('../../functions/store/clients.js');
const { provisionStorage } = await import('../../functions/local/provision.js');
const { resetLicenseSigner } = await import('../../functions/licensing/signerFromEnvironment.js');
const { publishedSigningKeys } = await import('../../functions/store/licenseFiles.js');
const { call, clients, createTestInstall, startTestApi } = await import('../support/localApi.js');
const { issueLicenseFile, uploadEveryType } = await import('../support/licensing.js');
const { minutesAgo } = await import('../support/time.js');
type TestApi = Awaited<ReturnType<typeof startTestApi>>;

let api: TestApi;
beforeAll(async () => {
  const c = createClients();
  try {
    await provisionStorage(c);
  } finally {
    destroyClients(c);
  }
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
  delete process.env.LICENSE_SIGNING_KEY_ID;
});

const today = new Date().toISOString().slice(0, 10);
const entitlement = (customerId: string, entitlementId: string, more: Partial<Entitlement> = {}): Entitlement => ({
  customerId,
  entitlementId,
  item: 'IPT users',
  quantity: 100,
  termStart: '2026-01-01',
  termEnd: null,
  graceDays: 30,
  installId: null,
  contractRef: null,
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...more,
});
const row = (item: string, installId: string | null, entitled: number, used: number, status: ComplianceRow['status']): ComplianceRow => ({
  item,
  installId,
  entitled,
  used,
  peak: used,
  overage: Math.max(0, used - entitled),
  status,
  overSince: null,
});

it("embeds the install's own and its pool's active entitlements, and one compliance row per item", async () => {
  const install = await createTestInstall(api, `contents-${process.pid}`);
  const other = '00000000-0000-4000-8000-00000000abcd';
  entitlementsByCustomer.set(install.customerId, [
    entitlement(install.customerId, 'pooled', { termEnd: '2099-12-31' }),
    entitlement(install.customerId, 'own', { item: 'MiVoice Business devices', quantity: 20, installId: install.installId }),
    entitlement(install.customerId, 'others', { installId: other }),
    entitlement(install.customerId, 'ended', { termEnd: '2026-01-31' }),
    entitlement(install.customerId, 'future', { termStart: '2099-01-01' }),
    entitlement(install.customerId, 'ends-today', { termEnd: today, quantity: 5 }),
  ]);
  complianceByCustomer.set(install.customerId, [
    row('IPT users', null, 105, 80, 'ok'),
    row('MiVoice Business devices', null, 0, 7, 'unentitled'),
    row('MiVoice Business devices', install.installId, 20, 19, 'near'),
    row('Contact center agents', other, 10, 12, 'over'),
  ]);
  await uploadEveryType(api, install, minutesAgo(30));
  const answer = await issueLicenseFile(api, install.installId);
  expect(answer.status).toBe(201);
  const file = answer.body;
  expect(file.entitlements).toEqual([
    { entitlementId: 'ends-today', item: 'IPT users', quantity: 5, termEnd: today },
    { entitlementId: 'own', item: 'MiVoice Business devices', quantity: 20, termEnd: null },
    { entitlementId: 'pooled', item: 'IPT users', quantity: 100, termEnd: '2099-12-31' },
  ]);
  expect(file.compliance).toEqual([
    { item: 'IPT users', entitled: 105, used: 80, status: 'ok' },
    { item: 'MiVoice Business devices', entitled: 20, used: 19, status: 'near' },
  ]);
  expect(asOfSeen).toContain(today);
  const { payload } = await jwtVerify(
    file.file.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''),
    createLocalJWKSet((await call(api, 'GET', '/.well-known/jwks.json')).body),
    { algorithms: ['EdDSA'] },
  );
  expect(payload.entitlements).toEqual(file.entitlements);

  // Same request, same entitlements: the same file. Another entitlement: a new one.
  expect((await issueLicenseFile(api, install.installId)).status).toBe(200);
  entitlementsByCustomer.get(install.customerId)!.push(entitlement(install.customerId, 'added'));
  const changed = await issueLicenseFile(api, install.installId);
  expect(changed.status).toBe(201);
  expect(changed.body.entitlements.map((e: { entitlementId: string }) => e.entitlementId)).toContain('added');
});

it('refuses a file whose signing input would exceed 4,096 bytes: 409 conflict, saying so, and stores nothing', async () => {
  const install = await createTestInstall(api, `many-${process.pid}`);
  entitlementsByCustomer.set(
    install.customerId,
    Array.from({ length: 80 }, (_, i) => entitlement(install.customerId, `order-${String(i).padStart(3, '0')}`, { item: `Item number ${i}`, termEnd: '2099-12-31' })),
  );
  await uploadEveryType(api, install, minutesAgo(30));
  const answer = await issueLicenseFile(api, install.installId);
  expect(answer.status).toBe(409);
  expect(answer.body.code).toBe('conflict');
  expect(answer.body.detail).toMatch(/too large to sign.*4096/);
  expect((await call(api, 'GET', `/v1/installs/${install.installId}/license-files`, { key: process.env.STAFF_API_KEY })).body.items).toEqual([]);
});

describe('key rotation', () => {
  const keyId = 'arn:aws:kms:eu-west-1:111122223333:key/0000aaaa-1111-2222-3333-444455556666';
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const kms = mockClient(KMSClient);
  afterAll(() => kms.restore());

  beforeAll(() => {
    kms.on(GetPublicKeyCommand, { KeyId: keyId }).resolves({ KeyId: keyId, KeySpec: 'ECC_NIST_EDWARDS25519', PublicKey: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })) });
    kms.on(SignCommand).callsFake((input) => {
      if (input.KeyId !== keyId || input.MessageType !== 'RAW' || input.SigningAlgorithm !== 'ED25519_SHA_512' || (input.Message as Uint8Array).length > 4096) {
        throw Object.assign(new Error('refused by the stand-in'), { name: 'ValidationException' });
      }
      return { KeyId: keyId, SigningAlgorithm: 'ED25519_SHA_512', Signature: new Uint8Array(edSign(null, input.Message as Uint8Array, privateKey)) };
    });
  });

  it('a new key gets a new kid; the old key stays in the JWKS while a file it signed is valid', async () => {
    const install = await createTestInstall(api, `rotation-${process.pid}`);
    await uploadEveryType(api, install, minutesAgo(30));
    const local = await issueLicenseFile(api, install.installId, { validDays: 2 });
    expect(local.status).toBe(201);

    // The deployment's configuration: the KMS key (the stand-in) signs from now on.
    process.env.LICENSE_SIGNING_KEY_ID = keyId;
    resetLicenseSigner();
    const rotated = await issueLicenseFile(api, install.installId, { validDays: 2 });
    expect(rotated.status).toBe(201);
    expect(rotated.body.kid).not.toBe(local.body.kid);
    expect(kms.commandCalls(SignCommand)).toHaveLength(1);
    const jwks = (await call(api, 'GET', '/.well-known/jwks.json')).body;
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toEqual([rotated.body.kid, local.body.kid]);
    // Both files verify against the one JWKS.
    for (const file of [local.body, rotated.body]) {
      const jws = file.file.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
      const { protectedHeader } = await jwtVerify(jws, createLocalJWKSet(jwks), { algorithms: ['EdDSA'], subject: install.installId });
      expect(protectedHeader.kid).toBe(file.kid);
    }

    // A longer file by the local key again: it becomes the current one, and lasts longer.
    delete process.env.LICENSE_SIGNING_KEY_ID;
    resetLicenseSigner();
    const back = await issueLicenseFile(api, install.installId, { validDays: 10 });
    expect(back.body.kid).toBe(local.body.kid);
    expect((await call(api, 'GET', '/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid)).toEqual([local.body.kid, rotated.body.kid]);
    // Once the KMS key's files (2 days) have expired, only the local key (files of up to 365 days here) is listed; after the longest file any key can sign, none.
    const later = (days: number) => new Date(Date.now() + days * 86_400_000);
    expect((await publishedSigningKeys(clients(), later(3))).map((k) => k.kid)).toEqual([local.body.kid]);
    expect(await publishedSigningKeys(clients(), later(401))).toEqual([]);
  });
});
