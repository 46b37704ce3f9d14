/**
 * Issuing a signed license file (DESIGN.md §9): check that the install's reports are in,
 * gather what the file acknowledges and grants (entitlements and compliance only through
 * services/compliance.ts), answer the existing file when nothing changed, else sign and store.
 */
import { randomUUID } from 'node:crypto';
import {
  type Acknowledgement,
  activeEntitlements,
  armor,
  compactJws,
  dateOf,
  installCompliance,
  issueFingerprint,
  type LicenseFile,
  licenseClaims,
  licenseTimes,
  missingReports,
  orderAcknowledgements,
  signingInput,
} from '../domain/licenseFiles.js';
import { ProblemError } from '../domain/problems.js';
import { isOptionalQueryType, type QueryType } from '../domain/queries/queryTypes.js';
import type { Signer } from '../licensing/signer.js';
import type { Clients } from '../store/clients.js';
import { requireInstall } from '../store/installs.js';
import { getLicenseFile, getLicenseHead, publishSigningKey, storeLicenseFile } from '../store/licenseFiles.js';
import { getSnapshot, type LatestItem, listLatest } from '../store/uploadLog.js';
import { customerCompliance, customerEntitlements } from './compliance.js';

export interface IssueRequest {
  installId: string;
  validDays: number;
  now: Date;
  /** The audit actor (http/request.ts actorOf). */
  actor: string;
}

export interface IssueOutcome {
  /** false: nothing changed since the install's newest file, which is answered again. */
  created: boolean;
  licenseFile: LicenseFile;
}

/**
 * The snapshots the file acknowledges, each latest summary's. A snapshot gone between the two
 * reads is being deleted: an optional type's by an opt-out (left out, as an absent optional
 * type is: DESIGN.md §9), a required type's only by a purge of the install (409, and the retry
 * meets the purge).
 */
async function acknowledgements(c: Clients, installId: string, latest: readonly LatestItem[]): Promise<Acknowledgement[]> {
  const acks = await Promise.all(
    latest.map(async ({ queryType, collectedAt, uploadId }) => {
      const snapshot = await getSnapshot(c, installId, queryType, collectedAt);
      if (snapshot) return { queryType, uploadId, collectedAt, sha256: snapshot.sha256 };
      if (isOptionalQueryType(queryType)) return undefined;
      throw new ProblemError('conflict', `The latest ${queryType} snapshot of this install was deleted while the file was being issued; try again.`);
    }),
  );
  return orderAcknowledgements(acks.filter((ack) => ack !== undefined));
}

async function existingFile(c: Clients, licenseFileId: string): Promise<LicenseFile> {
  const file = await getLicenseFile(c, licenseFileId);
  if (!file) throw new Error(`License file ${licenseFileId} named by its install's head is missing.`);
  return file;
}

function decommissioned(): ProblemError {
  return new ProblemError('conflict', 'This install is decommissioned: reactivate it (PATCH /v1/installs/{installId}) to issue a license file.');
}

/** Issues a license file for the install, or answers the one an identical request issued. */
export async function issueLicenseFile(c: Clients, signer: Signer, request: IssueRequest): Promise<IssueOutcome> {
  const { installId, validDays, now } = request;
  const install = await requireInstall(c, installId, true);
  // A retired install's key is refused and its usage leaves compliance: a file would grant it
  // entitlements on figures that no longer count it.
  if (install.status === 'decommissioned') throw decommissioned();
  const latest = await listLatest(c, installId);
  const issues = missingReports(new Map<QueryType, LatestItem>(latest.map((l) => [l.queryType, l])), now);
  if (issues.length > 0) {
    throw new ProblemError(
      'reports_missing',
      `A license file needs an accepted snapshot of every required query type collected within the last 30 days; ${issues.length} ${issues.length === 1 ? 'is' : 'are'} missing or older.`,
      issues,
    );
  }
  const today = dateOf(now);
  const [acknowledges, entitlements, compliance] = await Promise.all([
    acknowledgements(c, installId, latest),
    customerEntitlements(c, install.customerId).then((all) => activeEntitlements(all, installId, today)),
    customerCompliance(c, install.customerId, today).then((rows) => installCompliance(rows, installId)),
  ]);
  const fingerprint = issueFingerprint({ acknowledges, entitlements, validDays, kid: signer.kid });

  const head = await getLicenseHead(c, installId);
  if (head && head.fingerprint === fingerprint && head.expiresAt > now.toISOString()) {
    return { created: false, licenseFile: await existingFile(c, head.licenseFileId) };
  }

  const licenseFileId = randomUUID();
  const times = licenseTimes(now, validDays);
  const claims = licenseClaims({ licenseFileId, installId, customerId: install.customerId, times, entitlements, acknowledges });
  const input = signingInput(signer.kid, claims);
  // Published before the file exists: a stored file's key is always in the JWKS.
  await publishSigningKey(c, signer.kid, signer.publicJwk, times.expiresAt, now);
  const signature = await signer.sign(input);
  const licenseFile: LicenseFile = {
    licenseFileId,
    installId,
    customerId: install.customerId,
    issuedAt: times.issuedAt,
    expiresAt: times.expiresAt,
    kid: signer.kid,
    entitlements,
    compliance,
    acknowledges,
    file: armor(compactJws(input, signature)),
  };
  const outcome = await storeLicenseFile(c, licenseFile, fingerprint, now, {
    at: now.toISOString(),
    actor: request.actor,
    action: 'license-file.issue',
    target: `install/${installId}/license-file/${licenseFileId}`,
    details: { customerId: install.customerId, validDays, expiresAt: times.expiresAt, kid: signer.kid, entitlements: entitlements.length, acknowledges: acknowledges.length },
  });
  if (outcome.kind === 'install-gone') throw new ProblemError('not_found', `There is no install '${installId}'.`);
  // Decommissioned while the file was made (the store checks again, with the write).
  if (outcome.kind === 'install-decommissioned') throw decommissioned();
  if (outcome.kind === 'same-request') return { created: false, licenseFile: await existingFile(c, outcome.head.licenseFileId) };
  return { created: true, licenseFile };
}
