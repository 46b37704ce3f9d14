/**
 * The bundle manifest (DESIGN.md §5): `manifest.json` at the archive root, naming the
 * install, the collection and one file per query type with its SHA-256.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { ProblemError } from '../domain/problems.js';
import { queryTypes, type QueryType } from '../domain/queries/index.js';
import { isoDateTime, text } from '../domain/schemas/fields.js';
import '../domain/schemas/requestLocale.js';
import { problemIssuesOf } from '../domain/zodIssues.js';
import { pathProblem } from './zipReader.js';

export const MANIFEST_PATH = 'manifest.json';
export const BUNDLE_FORMAT = 'mpa-licensing-bundle';
export const BUNDLE_VERSION = 1;

export type FileFormat = 'csv' | 'json';

/** `.csv` or `.json` (any letter case); anything else is not a query file. */
export function fileFormatOf(path: string): FileFormat | undefined {
  const extension = /\.(csv|json)$/i.exec(path)?.[1];
  return extension === undefined ? undefined : (extension.toLowerCase() as FileFormat);
}

const filePath = z.string().check(
  z.minLength(1),
  z.maxLength(255),
  z.superRefine((path, ctx) => {
    const problem = pathProblem(path);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: `is not a plain relative path inside the archive (${problem.split(':')[0]})` });
    else if (path === MANIFEST_PATH) ctx.addIssue({ code: 'custom', message: 'names the manifest itself' });
    else if (!fileFormatOf(path)) ctx.addIssue({ code: 'custom', message: 'must end in .csv or .json' });
  }),
);

const manifestFile = z.strictObject({
  queryType: z.enum(queryTypes as [QueryType, ...QueryType[]], { error: 'is not a known query type' }),
  path: filePath,
  sha256: z.string().check(z.regex(/^[0-9A-Fa-f]{64}$/, 'must be 64 hexadecimal digits')),
});

export const bundleManifest = z
  .strictObject({
    format: z.literal(BUNDLE_FORMAT),
    version: z.literal(BUNDLE_VERSION),
    installId: text(128),
    mpaVersion: text(64),
    collectedAt: isoDateTime,
    files: z.array(manifestFile).check(z.minLength(1), z.maxLength(64)),
  })
  .check(
    z.superRefine((manifest, ctx) => {
      const seenPaths = new Set<string>();
      const seenTypes = new Set<string>();
      manifest.files.forEach((file, i) => {
        if (seenPaths.has(file.path)) ctx.addIssue({ code: 'custom', path: ['files', i, 'path'], message: 'is listed twice' });
        if (seenTypes.has(file.queryType)) ctx.addIssue({ code: 'custom', path: ['files', i, 'queryType'], message: 'is listed twice' });
        seenPaths.add(file.path);
        seenTypes.add(file.queryType);
      });
    }),
  );

export type BundleManifest = z.infer<typeof bundleManifest>;
export type ManifestFile = BundleManifest['files'][number];

/** Parses manifest.json; anything wrong with it makes the whole bundle invalid. */
export function parseManifest(bytes: Buffer): BundleManifest {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new ProblemError('invalid_bundle', `${MANIFEST_PATH} is not valid UTF-8 JSON.`);
  }
  const result = z.safeParse(bundleManifest, value);
  if (result.success) return result.data;
  const errors = [...problemIssuesOf(result.error)].map(({ path, message }) => ({ path, message }));
  throw new ProblemError('invalid_bundle', `${MANIFEST_PATH} does not match the bundle manifest (format ${BUNDLE_FORMAT}, version ${BUNDLE_VERSION}).`, errors);
}

/**
 * The bundle id: SHA-256 of what the manifest says once its hashes are verified (install,
 * collection, and each file's query type, path and content hash), so the same bundle gets
 * the same id even when it is zipped again with other timestamps or compression.
 */
export function bundleIdOf(manifest: BundleManifest): string {
  const files = manifest.files
    .map((f) => [f.queryType, f.path, f.sha256.toLowerCase()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const identity = [manifest.format, manifest.version, manifest.installId, manifest.mpaVersion, manifest.collectedAt, files];
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}
