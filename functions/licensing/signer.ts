/**
 * The one signing interface of license files (DESIGN.md §9): an Ed25519 key that signs bytes
 * and publishes its public half. Two implementations: a key file for the local server
 * (./localSigner.ts) and a KMS key on AWS (./kmsSigner.ts); ./signerFromEnvironment.ts picks one.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import type { Ed25519PublicJwk } from '../domain/licenseFiles.js';

export interface Signer {
  /** The RFC 7638 thumbprint of the public key: a new key gets a new kid. */
  kid: string;
  publicJwk: Ed25519PublicJwk;
  /** A 64-byte Ed25519 signature of `message` (pure Ed25519: the message itself, no digest). */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** Ed25519 signatures are 64 bytes (RFC 8032). */
export const ED25519_SIGNATURE_BYTES = 64;

/** The public JWK of an Ed25519 key (a public or private KeyObject); anything else is an error. */
export function ed25519PublicJwk(key: KeyObject): Ed25519PublicJwk {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error(`The signing key is ${publicKey.asymmetricKeyType ?? 'not asymmetric'}, not Ed25519.`);
  const jwk = publicKey.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('The Ed25519 public key has no x coordinate.');
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
}

/** The RFC 7638 thumbprint (SHA-256, base64url) of a public JWK: the kid. */
export function kidOf(publicJwk: Ed25519PublicJwk): Promise<string> {
  return calculateJwkThumbprint(publicJwk, 'sha256');
}

/** A signature must be exactly an Ed25519 one; anything else would make a file nobody can verify. */
export function checkedSignature(signature: Uint8Array | undefined, source: string): Uint8Array {
  if (!signature || signature.length !== ED25519_SIGNATURE_BYTES) {
    throw new Error(`${source} answered a signature of ${signature?.length ?? 0} bytes; Ed25519 signatures are ${ED25519_SIGNATURE_BYTES}.`);
  }
  return signature;
}
