/**
 * The audit trail's entry (DESIGN.md §11): one for every staff write, written in the same
 * transaction as the change it records (store/audit.ts builds that transaction item).
 * Targets are written `kind/<id>` by the helpers below, so one target's entries page together.
 */

/** What a staff write did, in the words of DESIGN.md §11's list. */
export const auditActions = [
  'install.create',
  'install.rename',
  'install.decommission',
  'install.reactivate',
  'install.delete',
  'install.key.rotate',
  'entitlement.put',
  'entitlement.delete',
  'license-file.issue',
  'staff-key.create',
  'staff-key.revoke',
  'bundle.upload',
] as const;
export type AuditAction = (typeof auditActions)[number];

export interface AuditEntry {
  /** ISO 8601 datetime of the change. */
  at: string;
  /** The staff key's name (`local-admin` for the local STAFF_API_KEY). */
  actor: string;
  action: AuditAction;
  /** What was changed, e.g. `install/<id>`, `customer/<id>/entitlement/<id>`, `staff-key/<id>`. */
  target: string;
  /** A few fields that say what changed; never a key, a hash or raw records. */
  details: Record<string, unknown>;
}

/** The audit target of an install. */
export const installTarget = (installId: string) => `install/${installId}`;
/** The audit target of a staff key. */
export const staffKeyTarget = (keyId: string) => `staff-key/${keyId}`;

/** Audit targets and actors are bounded like any path or query parameter. */
export const MAX_AUDIT_FILTER_LENGTH = 300;
