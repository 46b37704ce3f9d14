/**
 * The two signers of license files. The local one: a key file made on first use (mode 0600),
 * the same key after a restart. The KMS one against a stand-in KMS (aws-sdk-client-mock) that
 * enforces what KMS enforces for an ECC_NIST_EDWARDS25519 key (SigningAlgorithm
 * ED25519_SHA_512, MessageType RAW, at most 4,096 bytes, else ValidationException) and signs
 * with a real Ed25519 key it holds, so the AWS code path runs here.
 */
import { createPublicKey, generateKeyPairSync, sign as edSign, verify } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { calculateJwkThumbprint, compactVerify, importJWK } from 'jose';
import { compactJws, licenseClaims, licenseTimes, signingInput } from '../../functions/domain/licenseFiles.js';
import { ProblemError } from '../../functions/domain/problems.js';
import { kmsSigner } from '../../functions/licensing/kmsSigner.js';
import { localFileSigner } from '../../functions/licensing/localSigner.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpa-signers-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const claimsFor = (entitlements = 0) =>
  licenseClaims({
    licenseFileId: '00000000-0000-4000-8000-000000000001',
    installId: '00000000-0000-4000-8000-000000000002',
    customerId: 'acme',
    times: licenseTimes(new Date(), 365),
    entitlements: Array.from({ length: entitlements }, (_, i) => ({ entitlementId: `order-line-${i}`, item: 'IPT users', quantity: 100, termEnd: '2027-12-31' })),
    acknowledges: [],
  });

describe('the local signer', () => {
  it('makes its key on first use, mode 0600, and uses the same key after a restart', async () => {
    const file = join(dir, 'nested', 'license-signing-key.pem');
    const first = await localFileSigner(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(first.kid).toBe(await calculateJwkThumbprint(first.publicJwk));
    expect(first.publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const restarted = await localFileSigner(file);
    expect(restarted.kid).toBe(first.kid);
    expect(restarted.publicJwk).toEqual(first.publicJwk);
    const message = Buffer.from('signing input');
    const signature = await restarted.sign(message);
    expect(signature).toHaveLength(64);
    expect(verify(null, message, createPublicKey({ key: { ...first.publicJwk }, format: 'jwk' }), signature)).toBe(true);
  });

  it('ends with one key when two starts race to make it; another file is another key (another kid)', async () => {
    const file = join(dir, 'racing.pem');
    const [a, b] = await Promise.all([localFileSigner(file), localFileSigner(file)]);
    expect(a.kid).toBe(b.kid);
    expect((await localFileSigner(join(dir, 'other.pem'))).kid).not.toBe(a.kid);
  });

  it('refuses a key that is not Ed25519', async () => {
    const file = join(dir, 'rsa.pem');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await writeFile(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    await expect(localFileSigner(file)).rejects.toThrow(/not Ed25519/);
  });
});

/** A stand-in KMS holding one Ed25519 key, refusing what KMS refuses. */
function standInKms(keyId: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const kms = mockClient(KMSClient);
  const refuse = (name: string, message: string) => Object.assign(new Error(message), { name, $fault: 'client' });
  kms.on(GetPublicKeyCommand).callsFake((input) => {
    if (input.KeyId !== keyId) throw refuse('NotFoundException', `Key '${input.KeyId}' does not exist`);
    return {
      KeyId: keyId,
      KeySpec: 'ECC_NIST_EDWARDS25519',
      KeyUsage: 'SIGN_VERIFY',
      SigningAlgorithms: ['ED25519_SHA_512', 'ED25519_PH_SHA_512'],
      PublicKey: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })),
    };
  });
  kms.on(SignCommand).callsFake((input) => {
    if (input.KeyId !== keyId) throw refuse('NotFoundException', `Key '${input.KeyId}' does not exist`);
    if (input.SigningAlgorithm !== 'ED25519_SHA_512') throw refuse('InvalidKeyUsageException', `${input.SigningAlgorithm} is not ED25519_SHA_512`);
    if (input.MessageType !== 'RAW') throw refuse('ValidationException', 'ED25519_SHA_512 requires MessageType RAW');
    const message = input.Message as Uint8Array;
    if (!message || message.length > 4096) throw refuse('ValidationException', "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096");
    return { KeyId: keyId, SigningAlgorithm: 'ED25519_SHA_512', Signature: new Uint8Array(edSign(null, message, privateKey)) };
  });
  return { kms, publicKey };
}

describe('the KMS signer, against a stand-in that enforces KMS rules', () => {
  const keyId = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  let stand: ReturnType<typeof standInKms>;
  beforeEach(() => {
    stand = standInKms(keyId);
  });
  afterEach(() => stand.kms.restore());

  it('reads the public key once, and names it by its RFC 7638 thumbprint', async () => {
    const signer = await kmsSigner(new KMSClient({ region: 'eu-west-1' }), keyId);
    const expected = stand.publicKey.export({ format: 'jwk' });
    expect(signer.publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expected.x });
    expect(signer.kid).toBe(await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: expected.x! }));
    await signer.sign(Buffer.from('a'));
    await signer.sign(Buffer.from('b'));
    expect(stand.kms.commandCalls(GetPublicKeyCommand)).toHaveLength(1);
  });

  it('signs a license JWS with ED25519_SHA_512 over the RAW signing input: jose and node:crypto verify it', async () => {
    const signer = await kmsSigner(new KMSClient({ region: 'eu-west-1' }), keyId);
    const input = signingInput(signer.kid, claimsFor(3));
    const jws = compactJws(input, await signer.sign(input));
    const [call] = stand.kms.commandCalls(SignCommand);
    expect(call!.args[0].input).toMatchObject({ KeyId: keyId, MessageType: 'RAW', SigningAlgorithm: 'ED25519_SHA_512' });
    expect(Buffer.from(call!.args[0].input.Message as Uint8Array).equals(input)).toBe(true);
    const verified = await compactVerify(jws, await importJWK({ ...signer.publicJwk, alg: 'EdDSA' }, 'EdDSA'), { algorithms: ['EdDSA'] });
    expect(verified.protectedHeader).toEqual({ alg: 'EdDSA', kid: signer.kid, typ: 'mpa-license+jwt' });
    const [h, p, s] = jws.split('.') as [string, string, string];
    expect(verify(null, Buffer.from(`${h}.${p}`), stand.publicKey, Buffer.from(s, 'base64url'))).toBe(true);
  });

  it('refuses a message over 4,096 bytes with a clear problem, before KMS would', async () => {
    const signer = await kmsSigner(new KMSClient({ region: 'eu-west-1' }), keyId);
    const error = await signer.sign(Buffer.alloc(4097, 0x61)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemError);
    expect((error as ProblemError).problem).toMatchObject({ status: 409, code: 'conflict', detail: expect.stringMatching(/4097 bytes.*at most 4096/) });
    expect(stand.kms.commandCalls(SignCommand)).toHaveLength(0);
    // 4,096 bytes exactly is within the limit.
    expect(await signer.sign(Buffer.alloc(4096, 0x61))).toHaveLength(64);
    // The stand-in refuses what KMS refuses, so the limit above is the real one.
    const kms = new KMSClient({ region: 'eu-west-1' });
    await expect(kms.send(new SignCommand({ KeyId: keyId, Message: Buffer.alloc(4097), MessageType: 'RAW', SigningAlgorithm: 'ED25519_SHA_512' }))).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(kms.send(new SignCommand({ KeyId: keyId, Message: Buffer.alloc(10), MessageType: 'DIGEST', SigningAlgorithm: 'ED25519_SHA_512' }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('a license too large to sign is refused before any key is used (409 conflict, saying so)', () => {
    expect(() => signingInput('k'.repeat(43), claimsFor(3))).not.toThrow();
    const error = (() => {
      try {
        signingInput('k'.repeat(43), claimsFor(60));
      } catch (e) {
        return e as ProblemError;
      }
      return undefined;
    })();
    expect(error?.problem).toMatchObject({ status: 409, code: 'conflict', detail: expect.stringMatching(/too large to sign.*4096/) });
  });

  it('refuses a key of another spec', async () => {
    stand.kms.on(GetPublicKeyCommand).resolves({ KeyId: keyId, KeySpec: 'ECC_NIST_P256', PublicKey: new Uint8Array(1) });
    await expect(kmsSigner(new KMSClient({ region: 'eu-west-1' }), keyId)).rejects.toThrow(/ECC_NIST_P256.*ECC_NIST_EDWARDS25519/);
  });
});
