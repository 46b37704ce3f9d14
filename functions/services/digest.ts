/**
 * GET /v1/reports/digest (DESIGN.md §11): reads what domain/digest.ts compares. Each part is
 * one index query (stale installs of one day's range, the expiring candidates), and the
 * over-deployment part one compliance computation per customer of the customer list.
 */
import { type OverDeploymentItem, newlyExpiring, newlyOver, newlyStaleRange } from '../domain/digest.js';
import type { ExpiringItem } from '../domain/reports.js';
import { addDays } from '../domain/calendarDates.js';
import { EXPIRING_DAYS } from '../domain/digest.js';
import type { Clients } from '../store/clients.js';
import { allCustomerIds } from '../store/directory.js';
import { getInstall } from '../store/installs.js';
import { expiryCandidates, type StaleInstall, staleInstallsBetween } from '../store/reports.js';
import { customerCompliance } from './compliance.js';
import { inParallel } from './inParallel.js';

export interface Digest {
  asOf: string;
  overDeployment: OverDeploymentItem[];
  expiringWithin30Days: ExpiringItem[];
  newlyStale: StaleInstall[];
}

export async function digest(c: Clients, asOf: Date): Promise<Digest> {
  const asOfDate = asOf.toISOString().slice(0, 10);
  const stale = newlyStaleRange(asOf);
  const [newlyStale, candidates, customers] = await Promise.all([
    staleInstallsBetween(c, stale.from, stale.before),
    expiryCandidates(c, addDays(asOfDate, EXPIRING_DAYS)),
    allCustomerIds(c),
  ]);
  const overDeployment: OverDeploymentItem[] = [];
  for (let i = 0; i < customers.length; i += 8) {
    const rows = await Promise.all(customers.slice(i, i + 8).map(async (customerId) => newlyOver(customerId, await customerCompliance(c, customerId, asOfDate), asOf)));
    overDeployment.push(...rows.flat());
  }
  return { asOf: asOf.toISOString(), overDeployment, expiringWithin30Days: newlyExpiring(candidates, asOfDate), newlyStale };
}

/**
 * The names of the installs the digest names by id only (over-deployment and expiring rows;
 * stale rows carry theirs), for the e-mail (domain/digestMail.ts). An install gone since is
 * left out, and named by its id.
 */
export async function digestInstallNames(c: Clients, digest: Digest): Promise<Map<string, string>> {
  const named = new Set(digest.newlyStale.map((s) => s.installId));
  const ids = new Set<string>();
  for (const o of digest.overDeployment) if (o.installId !== null && !named.has(o.installId)) ids.add(o.installId);
  for (const e of digest.expiringWithin30Days) if (!named.has(e.installId)) ids.add(e.installId);
  const names = new Map<string, string>();
  await inParallel([...ids], 8, async (installId) => {
    const install = await getInstall(c, installId);
    if (install) names.set(installId, install.name);
  });
  return names;
}
