/**
 * What staff send to record an entitlement (DESIGN.md §8), and the identifiers of its routes.
 * zod/mini, as every request schema (./schemas/requestLocale.ts): the handlers, the CLI's CSV
 * import and the OpenAPI document all validate with these, so each rule is written once.
 */
import * as z from 'zod/mini';
import './schemas/requestLocale.js';
import type { Entitlement } from './licensing.js';

/** The caller's own id of an entitlement (an order line), so re-importing is idempotent. */
export const entitlementId = z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 _ . -'));

/** An install id as the service issues them (a UUID). */
export const entitlementInstallId = z.string().check(z.regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be an install id (a UUID)'));

export const DEFAULT_GRACE_DAYS = 30;

/** PUT /v1/customers/{customerId}/entitlements/{entitlementId}: the body. */
export const entitlementRequest = z
  .strictObject({
    item: z.string().check(z.minLength(1), z.maxLength(128)),
    quantity: z.int().check(z.gte(0)),
    termStart: z.iso.date(),
    termEnd: z.nullable(z.iso.date()),
    graceDays: z.optional(z.int().check(z.gte(0), z.lte(365))),
    installId: z.optional(z.nullable(entitlementInstallId)),
    contractRef: z.optional(z.nullable(z.string().check(z.maxLength(128)))),
  })
  .check(
    z.refine((e) => e.termEnd === null || e.termEnd >= e.termStart, { message: 'must not be before termStart', path: ['termEnd'] }),
  );
export type EntitlementRequest = z.infer<typeof entitlementRequest>;

/** The entitlement as stored: defaults applied, absent optional fields as null. */
export function entitlementOf(customerId: string, id: string, request: EntitlementRequest, updatedAt: string): Entitlement {
  return {
    customerId,
    entitlementId: id,
    item: request.item,
    quantity: request.quantity,
    termStart: request.termStart,
    termEnd: request.termEnd,
    graceDays: request.graceDays ?? DEFAULT_GRACE_DAYS,
    installId: request.installId ?? null,
    contractRef: request.contractRef ?? null,
    updatedAt,
  };
}

/** Whether two entitlements say the same thing (updatedAt aside): a re-import changes nothing. */
export function sameEntitlement(a: Entitlement, b: Entitlement): boolean {
  return (
    a.customerId === b.customerId &&
    a.entitlementId === b.entitlementId &&
    a.item === b.item &&
    a.quantity === b.quantity &&
    a.termStart === b.termStart &&
    a.termEnd === b.termEnd &&
    a.graceDays === b.graceDays &&
    a.installId === b.installId &&
    a.contractRef === b.contractRef
  );
}
