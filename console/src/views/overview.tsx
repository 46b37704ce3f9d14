/**
 * Fleet overview: headline numbers, each linking to the list or report it counts, and charts of
 * licenses ending within 30/60/90 days and the fleet's software version spread. Each number
 * loads on its own (all requests at once), so a slow or missing report does not hold up the
 * others. The install count is the sum of the customer listing's per-customer `installs`, so
 * the whole install listing (a page of 1,000 costs the server a read of each install) is never
 * read just to be counted.
 */
import { type Async, href, Section, Show, Stat, useAsync, today, format } from '../ui.js';
import { countAll, session } from '../api.js';
import { BarChart } from '../charts.js';

const WINDOWS = [30, 60, 90] as const;

type Counted = { count: number; more: boolean; items: unknown[] };

/** What the overview counts: the API list or report and its parameters. */
const COUNTS = {
  customers: ['/v1/customers', {}],
  stale: ['/v1/reports/stale', { days: 2 }],
  over: ['/v1/reports/over-deployment', {}],
  duplicates: ['/v1/reports/duplicate-identifiers', {}],
  // One read a window: the report counts each install's devices ending within its window, so the
  // 90-day answer's counts would put devices ending on day 80 into the 30-day bar.
  expiring30: ['/v1/reports/expiring', { withinDays: 30 }],
  expiring60: ['/v1/reports/expiring', { withinDays: 60 }],
  expiring: ['/v1/reports/expiring', { withinDays: 90 }],
  versions: ['/v1/reports/versions', {}],
} satisfies Record<string, [string, Record<string, string | number>]>;
type CountName = keyof typeof COUNTS;

/** Counts started before the overview is shown (sign-in), each taken once by the view, with the key they were read with. */
const started = new Map<CountName, { key: string; counted: Promise<Counted> }>();

/**
 * Starts the overview's counts with `key` ahead of the view (sign-in starts the slowest, the
 * customer listing, while it checks the key, and the rest once the key is accepted), so they
 * do not wait for the key check and the first render. `discard` drops what a refused key read.
 */
export const overviewCounts = {
  start(key: string, names: readonly CountName[]): void {
    for (const name of names) {
      const [path, params] = COUNTS[name];
      const counted = countAll(path, params, 10, key);
      counted.catch(() => undefined); // seen by the view, or dropped with a refused key
      started.set(name, { key, counted });
    }
  },
  discard(): void {
    started.clear();
  },
};

function useCount(name: CountName) {
  return useAsync(() => {
    const early = started.get(name);
    started.delete(name);
    if (early && early.key === session.key()) return early.counted;
    const [path, params] = COUNTS[name];
    return countAll(path, params);
  }, [])[0];
}

/** The installs of the customers counted: each customer's `installs`, summed. */
function installsOf(customers: Async<Counted>): Async<{ count: number; more: boolean }> {
  if (customers.state !== 'ok') return customers;
  const count = (customers.value.items as { installs: number }[]).reduce((sum, customer) => sum + customer.installs, 0);
  return { state: 'ok', value: { count, more: customers.value.more } };
}

function countText(result: Async<{ count: number; more: boolean }>): string | preact.JSX.Element {
  if (result.state === 'loading') return <span class="muted">…</span>;
  if (result.state === 'unavailable') return <span class="muted small">not available</span>;
  if (result.state === 'error') return <span class="muted small">error</span>;
  return `${format(result.value.count)}${result.value.more ? '+' : ''}`;
}

export function OverviewView() {
  const customers = useCount('customers');
  const installs = installsOf(customers);
  const stale = useCount('stale');
  const over = useCount('over');
  const duplicates = useCount('duplicates');
  const expiringBy = { 30: useCount('expiring30'), 60: useCount('expiring60'), 90: useCount('expiring') };
  const expiring = expiringBy[90];
  const versions = useCount('versions');
  const asOf = today();
  const within = (days: (typeof WINDOWS)[number]) => {
    const answer = expiringBy[days];
    return answer.state === 'ok' ? (answer.value.items as { devices: number; containers: number }[]) : [];
  };
  const expiringText = (days: (typeof WINDOWS)[number]) => countText(expiringBy[days]);
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
