/**
 * Ingesting an offline bundle (DESIGN.md §5), whether it came by POST /v1/bundles or through
 * an upload session: the whole bundle is checked first (archive, manifest, uploader, limits,
 * hashes), then each file goes through `acceptUpload` exactly as a direct upload would and
 * gets its own result; a bad file does not stop the others. A bundle staff send is recorded in
 * ONE audit entry (DESIGN.md §11) that each accepted file's own transaction creates or adds
 * itself to, so no file commits without the entry and the entry lists exactly the committed files.
 */
import { Bundle, type BundleFile } from '../bundles/bundle.js';
import type { BundleLimits } from '../bundles/limits.js';
import type { ZipOpener } from '../bundles/zipReader.js';
import { isProblemError, type Problem, ProblemError } from '../domain/problems.js';
import type { QueryType } from '../domain/queries/index.js';
import type { Receipt } from '../domain/receipts.js';
import { BUNDLE_RETRY_WINDOW_MS, type BundleAudit, bundleAuditAt, bundleAuditItems } from '../store/audit.js';
import type { Clients } from '../store/clients.js';
import { getInstall } from '../store/installs.js';
import { acceptUpload } from './acceptUpload.js';

export type BundleFileStatus = 'accepted' | 'duplicate' | 'rejected';

export interface BundleFileResult {
  queryType: QueryType;
  status: BundleFileStatus;
  receipt?: Receipt;
  problem?: Problem;
}

export interface BundleOutcome {
  bundleId: string;
  installId: string;
  results: BundleFileResult[];
}

export interface BundleInput {
  zip: ZipOpener;
  /** The uploading install; undefined when staff upload (then the manifest's install must be registered). */
  uploaderInstallId: string | undefined;
  /** The uploading install's customer, when the caller knows it (from the API key): saves a read per file. */
  uploaderCustomerId?: string | undefined;
  now: Date;
  limits: BundleLimits;
  /** The staff actor who sent it (audited); undefined for an install's own bundle (not audited). */
  auditActor?: string | undefined;
}

export async function ingestBundle(c: Clients, input: BundleInput): Promise<BundleOutcome> {
  const bundle = await Bundle.open(input.zip, input.limits);
  try {
    const customerId = await checkUploader(c, bundle.installId, input);
    await bundle.verify();
    const audit = input.auditActor === undefined ? undefined : await bundleAuditOf(c, bundle, input.auditActor, input.now);
    const results: BundleFileResult[] = [];
    for (const file of bundle.files) results.push(await ingestFile(c, bundle, file, customerId, input.now, audit));
    return { bundleId: bundle.id, installId: bundle.installId, results };
  } finally {
    bundle.close();
  }
}

/**
 * An install uploads only its own bundles; staff upload any registered install's. Answers the
 * install's customer where it is known, so that its files need not read the install again.
 */
async function checkUploader(c: Clients, installId: string, input: BundleInput): Promise<string | undefined> {
  if (input.uploaderInstallId !== undefined) {
    if (installId !== input.uploaderInstallId) {
      throw new ProblemError('forbidden', "The bundle's manifest names another install; an install may upload only its own bundles.");
    }
    return input.uploaderCustomerId;
  }
  const install = await getInstall(c, installId, true);
  if (!install || install.deleting) throw new ProblemError('invalid_bundle', `The manifest names install '${installId.slice(0, 64)}', which is not registered.`);
  // A retired install takes no data, from its own key (401) nor through staff: reactivate it first.
  if (install.status === 'decommissioned') throw new ProblemError('conflict', `The manifest names install '${installId.slice(0, 64)}', which is decommissioned; reactivate it first.`);
  return install.customerId;
}

/**
 * The bundle's audit entry: that of an attempt of this bundle by this actor begun within the
 * retry window (a retry of the same request), else a new one dated now.
 */
async function bundleAuditOf(c: Clients, bundle: Bundle, actor: string, now: Date): Promise<BundleAudit> {
  const entry = { actor, installId: bundle.installId, bundleId: bundle.id };
  const earlier = await bundleAuditAt(c, entry);
  const retry = earlier !== undefined && now.getTime() - Date.parse(earlier) < BUNDLE_RETRY_WINDOW_MS;
  return { ...entry, at: retry ? earlier : now.toISOString() };
}

async function ingestFile(c: Clients, bundle: Bundle, file: BundleFile, customerId: string | undefined, now: Date, audit: BundleAudit | undefined): Promise<BundleFileResult> {
  const { queryType } = file;
  try {
    const { body, validate } = await bundle.uploadOf(file, now);
    const { receipt, status } = await acceptUpload(c, {
      installId: bundle.installId,
      customerId,
      queryType,
      body,
      now,
      ...(validate ? { validate } : {}),
      ...(audit ? { extraTransactItems: bundleAuditItems(c, audit, queryType) } : {}),
    });
    return { queryType, status: status === 201 ? 'accepted' : 'duplicate', receipt };
  } catch (error) {
    if (isProblemError(error) && error.code !== 'invalid_bundle') return { queryType, status: 'rejected', problem: error.problem };
    throw error;
  }
}
