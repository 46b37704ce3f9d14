/**
 * License files signed by a KMS key of spec ECC_NIST_EDWARDS25519 (DESIGN.md §9): the private
 * key never leaves KMS. The public key is read once (GetPublicKey, SPKI DER) when the signer is
 * built, at a cold start, and kept; each file is one Sign call of pure Ed25519 over the JWS
 * signing input (MessageType RAW, at most 4,096 bytes).
 */
import { createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { MAX_SIGNING_INPUT_BYTES } from '../domain/licenseFiles.js';
import { ProblemError } from '../domain/problems.js';
import { checkedSignature, ed25519PublicJwk, kidOf, type Signer } from './signer.js';

export const KMS_KEY_SPEC = 'ECC_NIST_EDWARDS25519';
export const KMS_SIGNING_ALGORITHM = 'ED25519_SHA_512';

/**
 * The issuing function's signer on AWS: a client of its own region and role. The client is
 * made here, not by the caller, so that a dynamic import of this module bundles only the
 * commands it names (a dynamic import of the package keeps all of them: 68 KB more to load).
 */
export function kmsSignerOf(keyId: string): Promise<Signer> {
  return kmsSigner(new KMSClient({}), keyId);
}

/** A signer over the KMS key `keyId` (id, ARN or alias). */
export async function kmsSigner(kms: KMSClient, keyId: string): Promise<Signer> {
  const answer = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  if (answer.KeySpec !== undefined && answer.KeySpec !== KMS_KEY_SPEC) {
    throw new Error(`KMS key ${keyId} is of spec ${answer.KeySpec}; license files need ${KMS_KEY_SPEC}.`);
  }
  if (!answer.PublicKey) throw new Error(`KMS answered no public key for ${keyId}.`);
  const publicJwk = ed25519PublicJwk(createPublicKey({ key: Buffer.from(answer.PublicKey), format: 'der', type: 'spki' }));
  return {
    kid: await kidOf(publicJwk),
    publicJwk,
    sign: async (message) => {
      if (message.length > MAX_SIGNING_INPUT_BYTES) {
        throw new ProblemError('conflict', `The message to sign is ${message.length} bytes; KMS signs at most ${MAX_SIGNING_INPUT_BYTES} bytes with MessageType RAW.`);
      }
      const signed = await kms.send(
        new SignCommand({ KeyId: keyId, Message: message, MessageType: 'RAW', SigningAlgorithm: KMS_SIGNING_ALGORITHM }),
      );
      return checkedSignature(signed.Signature, `KMS key ${keyId}`);
    },
  };
}
