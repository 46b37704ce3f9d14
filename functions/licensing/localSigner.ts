/**
 * The local server's signing key: an Ed25519 private key in a PEM file under DATA_DIR,
 * generated on first start (mode 0600, like the local staff key) and reused after restarts,
 * so files issued earlier keep verifying. Never used on AWS, where keys stay in KMS.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { checkedSignature, ed25519PublicJwk, kidOf, type Signer } from './signer.js';

/** Reads the key in `file`, or creates it there (exclusively: two racing starts end with one key). */
async function loadOrCreateKey(file: string): Promise<KeyObject> {
  try {
    return createPrivateKey(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  await mkdir(dirname(file), { recursive: true });
  try {
    await writeFile(file, pem, { mode: 0o600, flag: 'wx' });
    return privateKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return createPrivateKey(await readFile(file, 'utf8'));
  }
}

/** A signer over the Ed25519 key kept in `file` (created on first use). */
export async function localFileSigner(file: string): Promise<Signer> {
  const privateKey = await loadOrCreateKey(file);
  const publicJwk = ed25519PublicJwk(privateKey);
  return {
    kid: await kidOf(publicJwk),
    publicJwk,
    // Ed25519 takes no digest algorithm: `null`.
    sign: async (message) => checkedSignature(sign(null, message, privateKey), 'The local signing key'),
  };
}
