/**
 * The compliance rules of DESIGN.md §8 as one pure function: a customer's entitlements and
 * the history of its installs' licensing counts in, one row per (item, scope) out. No store,
 * HTTP or clock: the service reads, this decides (decisions where §8 is silent:
 * docs/licensing.md, "Compliance").
 */
import type { ComplianceRow, ComplianceStatus, Entitlement } from './licensing.js';

/** One accepted licensing-counts snapshot of an install: its item counts (a bounded histogram). */
export interface UsageSnapshot {
  installId: string;
  /** UTC instant `YYYY-MM-DDTHH:mm:ss.sssZ` (string order is time order). */
  collectedAt: string;
  counts: ReadonlyMap<string, number>;
}

export interface ComplianceInput {
  entitlements: readonly Entitlement[];
  /** The customer's snapshots, any order; those after `asOf` are left out here. */
  usage: readonly UsageSnapshot[];
  /** A date, `YYYY-MM-DD`. */
  asOf: string;
  /** Installs whose usage no longer counts (decommissioned). */
  excludedInstalls?: ReadonlySet<string>;
}

/** The last instant of a date's UTC day, as collectedAt is written (string order is time order). */
export function lastInstantOf(date: string): string {
  return `${date}T23:59:59.999Z`;
}

/** `near` from this share of the entitled quantity. */
export const NEAR_SHARE = 0.9;

/** Whether the entitlement's term covers the date (both ends inclusive; no end: perpetual). */
export function termCovers(entitlement: Pick<Entitlement, 'termStart' | 'termEnd'>, date: string): boolean {
  return entitlement.termStart <= date && (entitlement.termEnd === null || date <= entitlement.termEnd);
}

/** Whole days from date `from` to date `to`. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The status of a row from its figures (DESIGN.md §8), `overSince` when used > entitled. */
export function statusOf(entitled: number, used: number, overSince: string | null, graceDays: number | null, asOf: string): ComplianceStatus {
  if (entitled === 0 && used > 0) return 'unentitled';
  if (used > entitled) {
    const lasted = overSince === null ? 0 : daysBetween(overSince.slice(0, 10), asOf);
    return graceDays !== null && lasted > graceDays ? 'over_past_grace' : 'over';
  }
  if (entitled > 0 && used >= NEAR_SHARE * entitled) return 'near';
  return 'ok';
}

const POOL = '';

/** The customer's compliance rows as of `asOf`, ordered by item, then the pool before installs. */
export function complianceRows(input: ComplianceInput): ComplianceRow[] {
  const { asOf } = input;
  // The last instant of asOf's day (not the next day's first: 9999-12-31 has none in this format).
  const end = lastInstantOf(asOf);
  const excluded = input.excludedInstalls ?? new Set<string>();
  const history = input.usage
    .filter((s) => s.collectedAt <= end && !excluded.has(s.installId))
    .sort((a, b) => (a.collectedAt < b.collectedAt ? -1 : a.collectedAt > b.collectedAt ? 1 : a.installId < b.installId ? -1 : a.installId > b.installId ? 1 : 0));

  // Item -> scope ('' for the pool, else an install id) -> that scope's entitlements.
  const scopes = new Map<string, Map<string, Entitlement[]>>();
  const scopeOf = (item: string, scope: string) => {
    let ofItem = scopes.get(item);
    if (!ofItem) {
      ofItem = new Map();
      scopes.set(item, ofItem);
    }
    let list = ofItem.get(scope);
    if (!list) {
      list = [];
      ofItem.set(scope, list);
    }
    return list;
  };
  for (const e of input.entitlements) scopeOf(e.item, e.installId ?? POOL).push(e);

  // Usage reported: items in the latest snapshot (on or before asOf) of an install.
  const latest = new Map<string, UsageSnapshot>();
  for (const snapshot of history) latest.set(snapshot.installId, snapshot);
  for (const snapshot of latest.values()) {
    for (const item of snapshot.counts.keys()) {
      const ofItem = scopes.get(item);
      const scoped = ofItem?.has(snapshot.installId) === true;
      scopeOf(item, scoped ? snapshot.installId : POOL);
    }
  }

  const rows: ComplianceRow[] = [];
  for (const [item, ofItem] of [...scopes].sort(([a], [b]) => compareText(a, b))) {
    const inOwnScope = (installId: string) => installId !== POOL && ofItem.has(installId);
    for (const [scope, entitlements] of [...ofItem].sort(([a], [b]) => compareText(a, b))) {
      const member = scope === POOL ? (installId: string) => !inOwnScope(installId) : (installId: string) => installId === scope;
      rows.push(rowOf(item, scope, entitlements, history.filter((s) => member(s.installId)), asOf));
    }
  }
  return rows;
}

/** One scope's row from its entitlements and its members' snapshots in time order. */
function rowOf(item: string, scope: string, entitlements: readonly Entitlement[], history: readonly UsageSnapshot[], asOf: string): ComplianceRow {
  const covering = entitlements.filter((e) => termCovers(e, asOf));
  const entitled = covering.reduce((sum, e) => sum + e.quantity, 0);
  const windowStart = covering.length > 0 ? `${covering.map((e) => e.termStart).sort()[0]}T00:00:00.000Z` : null;
  const graceDays = covering.length > 0 ? Math.min(...covering.map((e) => e.graceDays)) : null;

  // Walk the snapshots, one point per distinct collectedAt: used at that point is the sum of
  // each member's latest count so far.
  const counts = new Map<string, number>();
  let used = 0;
  let windowPeak = 0;
  let overSince: string | null = null;
  for (const [i, snapshot] of history.entries()) {
    const count = snapshot.counts.get(item) ?? 0;
    used += count - (counts.get(snapshot.installId) ?? 0);
    counts.set(snapshot.installId, count);
    // A point once the last snapshot collected at this instant is in.
    const at = snapshot.collectedAt;
    if (history[i + 1]?.collectedAt === at) continue;
    if (windowStart !== null && at >= windowStart) windowPeak = Math.max(windowPeak, used);
    if (used > entitled) overSince ??= at;
    else overSince = null;
  }
  const peak = windowStart === null ? used : Math.max(windowPeak, used);
  return {
    item,
    installId: scope === POOL ? null : scope,
    entitled,
    used,
    peak,
    overage: Math.max(0, peak - entitled),
    status: statusOf(entitled, used, overSince, graceDays, asOf),
    overSince,
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The rows the over-deployment report lists. */
export const overDeployedStatuses: ReadonlySet<ComplianceStatus> = new Set<ComplianceStatus>(['over', 'over_past_grace', 'unentitled']);

/** Over-deployment rows, largest overage first (then customer, item, scope for a stable order). */
export function overDeployment<R extends ComplianceRow & { customerId: string }>(rows: readonly R[]): R[] {
  return rows
    .filter((row) => overDeployedStatuses.has(row.status))
    .sort((a, b) => b.overage - a.overage || compareText(a.customerId, b.customerId) || compareText(a.item, b.item) || compareText(a.installId ?? '', b.installId ?? ''));
}
