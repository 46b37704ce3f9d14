/**
 * Fleet overview: headline numbers, each linking to the list or report it counts, and charts of
 * licenses ending within 30/60/90 days and the fleet's software version spread. Each number
 * loads on its own, so a slow or missing report does not hold up the others.
 */
import { type Async, href, Section, Show, Stat, useAsync, today, daysBetween, format } from '../ui.js';
import { countAll } from '../api.js';
import { BarChart } from '../charts.js';

const WINDOWS = [30, 60, 90] as const;

function useCount(path: string, params: Record<string, string | number> = {}) {
  return useAsync(() => countAll(path, params), [])[0];
}

function countText(result: Async<{ count: number; more: boolean }>): string | preact.JSX.Element {
  if (result.state === 'loading') return <span class="muted">…</span>;
  if (result.state === 'unavailable') return <span class="muted small">not available</span>;
  if (result.state === 'error') return <span class="muted small">error</span>;
  return `${format(result.value.count)}${result.value.more ? '+' : ''}`;
}

export function OverviewView() {
  const installs = useCount('/v1/installs');
  const customers = useCount('/v1/customers');
  const stale = useCount('/v1/reports/stale', { days: 2 });
  const over = useCount('/v1/reports/over-deployment');
  const duplicates = useCount('/v1/reports/duplicate-identifiers');
  const expiring = useCount('/v1/reports/expiring', { withinDays: 90 });
  const versions = useCount('/v1/reports/versions');
  const asOf = today();
  const within = (days: number) =>
    expiring.state === 'ok' ? (expiring.value.items as { firstUnlicensedOn: string; devices: number; containers: number }[]).filter((i) => daysBetween(asOf, i.firstUnlicensedOn) <= days) : [];
  const expiringText = (days: number) => (expiring.state === 'ok' ? format(within(days).length) : countText(expiring));
  return (
    <>
      <header class="page-head">
        <div>
          <p class="eyebrow">Fleet</p>
          <h1 tabIndex={-1}>Overview</h1>
          <p class="lede">The whole fleet at a glance, as of {asOf}. Every number opens the list behind it.</p>
        </div>
      </header>
      <div class="stats" aria-label="Fleet numbers">
        <Stat label="Installs" value={countText(installs)} href="#/installs" testId="stat-installs" />
        <Stat label="Customers" value={countText(customers)} href="#/customers" testId="stat-customers" />
        <Stat label="Stale installs" note="no upload in 2 days" value={countText(stale)} href={href.report('stale', { days: 2 })} testId="stat-stale" tone={stale.state === 'ok' && stale.value.count > 0 ? 'warn' : undefined} />
        <Stat label="Over-deployed" note={overNote(over)} value={countText(over)} href={href.report('over-deployment')} testId="stat-over" tone={over.state === 'ok' && over.value.count > 0 ? 'bad' : undefined} />
        <Stat label="Duplicate identifiers" note="on several installs" value={countText(duplicates)} href={href.report('duplicate-identifiers')} testId="stat-duplicates" tone={duplicates.state === 'ok' && duplicates.value.count > 0 ? 'warn' : undefined} />
      </div>
      <div class="grid two">
        <Section title="Licenses ending soon" id="expiring">
          <div class="stats compact">
            {WINDOWS.map((days) => (
              <Stat key={days} label={`Within ${days} days`} note="installs" value={expiringText(days)} href={href.report('expiring', { withinDays: days })} testId={`stat-expiring-${days}`} />
            ))}
          </div>
          <Show result={expiring} what="expiring licenses">
            {() => (within(90).length === 0 ? <p class="state empty">No license ends within 90 days.</p> : <ExpiringChart windows={WINDOWS.map((days) => within(days))} />)}
          </Show>
        </Section>
        <Section title="Fleet version spread" id="versions" actions={<a href={href.report('versions')}>Versions report →</a>}>
          <Show result={versions} what="versions">
            {(v) => <VersionSpread rows={v.items as { softwareVersion: string; devices: number }[]} />}
          </Show>
        </Section>
      </div>
    </>
  );
}

/** How many customers the over-deployed items belong to, once they are read. */
function overNote(result: Async<{ items: unknown[] }>): string {
  if (result.state !== 'ok') return 'items over entitlement';
  const customers = new Set((result.value.items as { customerId: string }[]).map((row) => row.customerId)).size;
  return `items over entitlement, ${format(customers)} customer${customers === 1 ? '' : 's'}`;
}

function ExpiringChart({ windows }: { windows: { devices: number; containers: number }[][] }) {
  return (
    <BarChart
      title="Devices and containers whose license ends, by window"
      labels={WINDOWS.map((d) => `≤ ${d} days`)}
      series={[
        { label: 'Devices', values: windows.map((rows) => rows.reduce((s, i) => s + i.devices, 0)) },
        { label: 'Containers', values: windows.map((rows) => rows.reduce((s, i) => s + i.containers, 0)), color: '#0d9488' },
      ]}
    />
  );
}

function VersionSpread({ rows }: { rows: { softwareVersion: string; devices: number }[] }) {
  const byVersion = new Map<string, number>();
  for (const row of rows) byVersion.set(row.softwareVersion, (byVersion.get(row.softwareVersion) ?? 0) + row.devices);
  const top = [...byVersion].sort((a, b) => b[1] - a[1]).slice(0, 10);
  if (top.length === 0) return <p class="state empty">No install has reported device versions yet.</p>;
  return (
    <>
      <p class="muted small" data-testid="version-count">
        {format(byVersion.size)} software versions on {format(rows.reduce((s, r) => s + r.devices, 0))} devices{byVersion.size > 10 ? '; the ten most common:' : ''}
      </p>
      <BarChart title="Devices by software version" labels={top.map(([v]) => v)} series={[{ label: 'Devices', values: top.map(([, n]) => n), color: '#7c3aed' }]} horizontal height={260} />
    </>
  );
}
