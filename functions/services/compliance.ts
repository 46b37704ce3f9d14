/**
 * A customer's entitlements and compliance as of a date (DESIGN.md §8), and the over-deployment
 * report over every customer. The license-file service reads entitlements and compliance only
 * through `customerEntitlements` and `customerCompliance`, so each rule has one owner; the
 * rules themselves are pure (domain/compliance.ts), the reads are in store/.
 */
import { complianceRows, lastInstantOf, overDeployment } from '../domain/compliance.js';
import type { ComplianceRow, Entitlement } from '../domain/licensing.js';
import type { Clients } from '../store/clients.js';
import { listEntitlements } from '../store/entitlements.js';
import { complianceCustomers, decommissionedInstalls, usageHistory } from '../store/usageHistory.js';
import { inParallel } from './inParallel.js';

/** Every entitlement of the customer (any term), ordered by entitlementId. */
export async function customerEntitlements(c: Clients, customerId: string): Promise<Entitlement[]> {
  return listEntitlements(c, customerId);
}

/** The customer's compliance rows as of `asOf` (a date, YYYY-MM-DD): three Queries, no scan. */
export async function customerCompliance(c: Clients, customerId: string, asOf: string): Promise<ComplianceRow[]> {
  const [entitlements, usage, excludedInstalls] = await Promise.all([
    listEntitlements(c, customerId),
    // Sort keys are `<collectedAt>#<installId>`: every snapshot of asOf's last instant sorts before this.
    usageHistory(c, customerId, `${lastInstantOf(asOf)}#\uffff`),
    decommissionedInstalls(c, customerId),
  ]);
  return complianceRows({ entitlements, usage, asOf, excludedInstalls });
}

export type OverDeploymentRow = ComplianceRow & { customerId: string };

/** Customers checked at once by the over-deployment report. */
const REPORT_CONCURRENCY = 8;

/**
 * Rows over, past grace or unentitled of every customer with entitlements or licensing-counts
 * usage, largest overage first (cost: docs/reports.md).
 */
export async function overDeploymentReport(c: Clients, asOf: string): Promise<OverDeploymentRow[]> {
  const customers = await complianceCustomers(c);
  const rows: OverDeploymentRow[][] = [];
  await inParallel(customers, REPORT_CONCURRENCY, async (customerId, i) => {
    rows[i] = (await customerCompliance(c, customerId, asOf)).map((row) => ({ customerId, ...row }));
  });
  return overDeployment(rows.flat());
}
