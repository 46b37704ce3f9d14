/**
 * Recording and removing entitlements (DESIGN.md §8): an install-scoped entitlement must name
 * an install of that customer, a re-import of the same entitlement changes nothing (no write, no
 * audit entry), and every write commits with its audit entry (DESIGN.md §11).
 */
import type { AuditEntry } from '../domain/audit.js';
import { type EntitlementRequest, entitlementOf, sameEntitlement } from '../domain/entitlements.js';
import type { Entitlement } from '../domain/licensing.js';
import { ProblemError } from '../domain/problems.js';
import type { Clients } from '../store/clients.js';
import { deleteEntitlement, getEntitlement, writeEntitlement } from '../store/entitlements.js';
import { getInstall } from '../store/installs.js';

export const entitlementTarget = (customerId: string, entitlementId: string) => `customer/${customerId}/entitlement/${entitlementId}`;

/** Creates or replaces the entitlement; `created` says which (201 or 200). */
export async function putEntitlement(
  c: Clients,
  request: { customerId: string; entitlementId: string; body: EntitlementRequest; actor: string; now: Date },
): Promise<{ entitlement: Entitlement; created: boolean }> {
  const { customerId, entitlementId, body } = request;
  if (body.installId) {
    const install = await getInstall(c, body.installId, true);
    if (install?.customerId !== customerId) {
      throw new ProblemError('validation_failed', 'The request does not match its schema.', [
        { path: 'installId', message: `is not an install of customer '${customerId}'` },
      ]);
    }
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await getEntitlement(c, customerId, entitlementId);
    const at = request.now.toISOString();
    const entitlement = entitlementOf(customerId, entitlementId, body, at);
    if (existing && sameEntitlement(existing, entitlement)) return { entitlement: existing, created: false };
    const audit: AuditEntry = {
      at,
      actor: request.actor,
      action: 'entitlement.put',
      target: entitlementTarget(customerId, entitlementId),
      details: { item: entitlement.item, quantity: entitlement.quantity, termStart: entitlement.termStart, termEnd: entitlement.termEnd, installId: entitlement.installId, replaced: existing !== undefined },
    };
    if (await writeEntitlement(c, entitlement, existing !== undefined, audit)) return { entitlement, created: existing === undefined };
  }
  throw new ProblemError('conflict', 'This entitlement is being written by another request; try again.');
}

/** Removes the entitlement; 404 when there is none. */
export async function removeEntitlement(c: Clients, request: { customerId: string; entitlementId: string; actor: string; now: Date }): Promise<void> {
  const { customerId, entitlementId } = request;
  const audit: AuditEntry = { at: request.now.toISOString(), actor: request.actor, action: 'entitlement.delete', target: entitlementTarget(customerId, entitlementId), details: {} };
  if (!(await deleteEntitlement(c, customerId, entitlementId, audit))) {
    throw new ProblemError('not_found', `Customer '${customerId}' has no entitlement '${entitlementId}'.`);
  }
}
