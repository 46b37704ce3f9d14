/**
 * The roles an API key carries (DESIGN.md §3): an install's key or a staff key. A domain
 * concept, so the key store, the HTTP layer and the route table all take it from here.
 */
export type Role = 'install' | 'staff';
