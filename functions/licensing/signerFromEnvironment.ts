/**
 * Which key signs license files, by configuration: LICENSE_SIGNING_KEY_ID (set by the CDK
 * stack on the issuing function only) names a KMS key; LICENSE_SIGNING_KEY_FILE (set by the
 * local server and the tests) a local key file. One signer per process, built on first use.
 */
import type { Signer } from './signer.js';

let signer_: Promise<Signer> | undefined;

async function build(env: NodeJS.ProcessEnv): Promise<Signer> {
  if (env.LICENSE_SIGNING_KEY_ID) {
    const { kmsSignerOf } = await import('./kmsSigner.js');
    return kmsSignerOf(env.LICENSE_SIGNING_KEY_ID);
  }
  if (env.LICENSE_SIGNING_KEY_FILE) {
    const { localFileSigner } = await import('./localSigner.js');
    return localFileSigner(env.LICENSE_SIGNING_KEY_FILE);
  }
  throw new Error('No license signing key is configured: set LICENSE_SIGNING_KEY_ID (a KMS key) or LICENSE_SIGNING_KEY_FILE (a local key file).');
}

/** The process's signer; a failed build is forgotten, so the next call tries again. */
export function licenseSigner(env: NodeJS.ProcessEnv = process.env): Promise<Signer> {
  signer_ ??= build(env).catch((error: unknown) => {
    signer_ = undefined;
    throw error;
  });
  return signer_;
}

/** For tests and the local server: forget the signer so the next call reads the environment again. */
export function resetLicenseSigner(): void {
  signer_ = undefined;
}
