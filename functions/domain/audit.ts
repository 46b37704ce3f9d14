/**
 * The audit trail's entry (DESIGN.md §11): one for every staff write, written in the same
 * transaction as the change it records (store/audit.ts builds that transaction item).
 * SEAM: the staff-operations work owns the layout and the actor's name.
 */

/** What a staff write did, in the words of DESIGN.md §11's list. */
export type AuditAction =
  | 'install.create'
  | 'install.rename'
  | 'install.decommission'
  | 'install.reactivate'
  | 'install.delete'
  | 'install.key.rotate'
  | 'entitlement.put'
  | 'entitlement.delete'
  | 'license-file.issue'
  | 'staff-key.create'
  | 'staff-key.revoke'
  | 'bundle.upload';

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
