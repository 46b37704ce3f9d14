/**
 * A customer's entitlements and compliance as of a date (DESIGN.md §8).
 * SEAM (filled by the entitlements work): the license-file service reads entitlements and
 * compliance only through these two functions.
 */
import type { ComplianceRow, Entitlement } from '../domain/licensing.js';
import type { Clients } from '../store/clients.js';

/** Every entitlement of the customer (any term), ordered by entitlementId. */
export async function customerEntitlements(_c: Clients, _customerId: string): Promise<Entitlement[]> {
  return [];
}

/** The customer's compliance rows as of `asOf` (a date, YYYY-MM-DD). */
export async function customerCompliance(_c: Clients, _customerId: string, _asOf: string): Promise<ComplianceRow[]> {
  return [];
}
