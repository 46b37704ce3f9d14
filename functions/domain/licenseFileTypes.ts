/**
 * A license file as the API answers it (DESIGN.md §9): types only, with no runtime import, so
 * the staff console (a browser bundle) can use the same shapes as the service.
 */
import type { ComplianceStatus } from './licensing.js';
import type { QueryType } from './queries/queryTypes.js';

/** A snapshot the file acknowledges as received. */
export interface Acknowledgement {
  queryType: QueryType;
  uploadId: string;
  collectedAt: string;
  sha256: string;
}

/** An entitlement as a license file grants it. */
export interface LicenseEntitlement {
  entitlementId: string;
  item: string;
  quantity: number;
  termEnd: string | null;
}

/** A compliance row as a license file shows it. */
export interface LicenseCompliance {
  item: string;
  entitled: number;
  used: number;
  status: ComplianceStatus;
}

/** A license file as the API answers it. */
export interface LicenseFile {
  licenseFileId: string;
  installId: string;
  customerId: string;
  issuedAt: string;
  expiresAt: string;
  kid: string;
  entitlements: LicenseEntitlement[];
  compliance: LicenseCompliance[];
  acknowledges: Acknowledgement[];
  /** The armored JWS the customer loads into MPA. */
  file: string;
}
