/**
 * The limits of an offline bundle (DESIGN.md §5), enforced while inflating: the byte
 * counters run on every chunk as it leaves zlib, so a zip bomb is stopped after at most
 * one chunk past the limit and never reaches memory or disk as a whole.
 */
import { ProblemError } from '../domain/problems.js';
import { directUploadLimits, MiB, tooLargeInflatedForDirectDetail } from '../domain/uploadBody.js';
import { sessionQueryLimits } from '../sessions/limits.js';

export const GiB = 1024 * MiB;

export interface BundleLimits {
  /** Entries in the archive, directories and the manifest included. */
  maxEntries: number;
  /** All entries together, once inflated. */
  maxTotalInflatedBytes: number;
  /** Inflated bytes per compressed byte of one entry. */
  maxRatio: number;
  /** The ratio is judged once an entry has inflated past this many bytes (tiny files may compress very well). */
  ratioFloorBytes: number;
  /** manifest.json, inflated. */
  maxManifestBytes: number;
  /** One query file, inflated: the limit of the way the bundle came (direct POST or upload session). */
  maxFileInflatedBytes: number;
  /**
   * The way the bundle came. A direct POST over its inflated limits answers 413 naming upload
   * sessions (DESIGN.md §3: the bundle may go that way); through a session the whole bundle's
   * limit is the contract's 1 GiB, `400 invalid_bundle` (§5).
   */
  way: 'direct' | 'session';
}

const common = {
  maxEntries: 64,
  maxTotalInflatedBytes: GiB,
  maxRatio: 200,
  ratioFloorBytes: MiB,
  maxManifestBytes: MiB,
};

/**
 * POST /v1/bundles: the whole bundle is held to a direct upload's inflated budget (100 MiB), as
 * each of its files. A handler of 1,769 MB and 28 s cannot read ten files of 100 MiB (an attack
 * took 74 s and 2.7 GB with one 5.8 MB bundle); larger bundles go through an upload session and
 * the processor.
 */
export const directBundleLimits: BundleLimits = {
  ...common,
  maxTotalInflatedBytes: directUploadLimits.maxInflatedBytes,
  maxFileInflatedBytes: directUploadLimits.maxInflatedBytes,
  way: 'direct',
};

/** A bundle through an upload session: each file is held to a query session's inflated limit. */
export const sessionBundleLimits: BundleLimits = { ...common, maxFileInflatedBytes: sessionQueryLimits.maxInflatedBytes, way: 'session' };

/**
 * The problem of a bundle over its whole inflated limit (BundleLimits.way), as its central
 * directory declares it (`declared`) or as it inflates.
 */
export function bundleTooLarge(limits: BundleLimits, declared: boolean): ProblemError {
  const max = limits.maxTotalInflatedBytes;
  if (limits.way === 'direct') return new ProblemError('payload_too_large', tooLargeInflatedForDirectDetail('The bundle', max, 'bundle'));
  return new ProblemError('invalid_bundle', declared ? `The archive declares more than ${max} bytes once inflated.` : `The bundle inflates to more than ${max} bytes.`);
}

/** The problem of one file over its inflated limit (BundleLimits.way). */
export function bundleFileTooLarge(limits: BundleLimits, file: string): ProblemError {
  const what = `The file ${file}`;
  return new ProblemError(
    'payload_too_large',
    limits.way === 'direct' ? tooLargeInflatedForDirectDetail(what, limits.maxFileInflatedBytes, 'bundle') : `${what} inflates to more than ${limits.maxFileInflatedBytes} bytes.`,
  );
}
