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
