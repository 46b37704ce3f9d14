/**
 * The roles an API key carries (DESIGN.md §3): an install's key or a staff key. A domain
 * concept, so the key store, the HTTP layer and the route table all take it from here.
 */
export type Role = 'install' | 'staff';

/**
 * The actor of the local server's STAFF_API_KEY (and of its generated local key): a staff caller
 * with no staff key item. Here, beside the roles, so that reading who a caller is needs no
 * request schema (staffKeys.ts builds its schemas at import).
 */
export const LOCAL_ADMIN = 'local-admin';

/** The actor of a staff key created with the operator's AWS credentials (`admin create-staff-key`). */
export const AWS_OPERATOR = 'aws-operator';

/**
 * Actor names the service itself gives: no staff key may be named so, or its writes would read
 * in the audit trail as the local key's or the operator's.
 */
export const RESERVED_ACTORS: ReadonlySet<string> = new Set([LOCAL_ADMIN, AWS_OPERATOR]);
