/**
 * The licensing loop's shared shapes (DESIGN.md §8–9): what a customer bought (an
 * entitlement) and how it compares with what its installs report (a compliance row).
 * Entitlements and compliance are computed in services/compliance.ts; license files
 * (services/licenseFiles.ts) read both through that module only, so each rule has one owner.
 */

export type ComplianceStatus = 'ok' | 'near' | 'over' | 'over_past_grace' | 'unentitled';

/** An entitlement as stored and answered (DESIGN.md §8). */
export interface Entitlement {
  customerId: string;
  entitlementId: string;
  item: string;
  quantity: number;
  termStart: string;
  /** `null`: perpetual. */
  termEnd: string | null;
  graceDays: number;
  /** `null`: pooled over the customer's installs. */
  installId: string | null;
  contractRef: string | null;
  updatedAt: string;
}

/** One (item, scope) of a customer's compliance (DESIGN.md §8). */
export interface ComplianceRow {
  item: string;
  /** The install of an install-scoped entitlement, or `null` for the customer's pool. */
  installId: string | null;
  entitled: number;
  used: number;
  peak: number;
  overage: number;
  status: ComplianceStatus;
  overSince: string | null;
}
