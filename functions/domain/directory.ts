/**
 * The rows of the two staff listings (DESIGN.md §10): types only, with no runtime import, so
 * the store that reads them, the CLI and the staff console (a browser bundle) share one shape.
 */
import type { InstallStatus } from './installs.js';

/** A row of GET /v1/customers. */
export interface CustomerListItem {
  customerId: string;
  installs: number;
  lastSeenAt: string | null;
}

/** A row of GET /v1/installs. */
export interface InstallListItem {
  installId: string;
  customerId: string;
  name: string;
  createdAt: string;
  lastSeenAt: string | null;
  usageCollection: { enabled: boolean };
  status: InstallStatus;
}
