/**
 * A customer: license state over its installs, entitlements against usage per item (entitled,
 * used, peak) with compliance status, its installs and its license files. The compliance table
 * shows each reported item's usage, so the reported licensing counts are listed on their own
 * only where the server has no compliance route (an older deployment).
 */
import { useState } from 'preact/hooks';
import { ApiError, type Page, query, request } from '../api.js';
import { BarChart } from '../charts.js';
import { type Async, Badge, DataTable, Empty, ErrorBox, format, formatDateTime, href, KeyValues, Section, Show, Stat, useAsync } from '../ui.js';
import { type InstallRow, InstallList } from './installs.js';
import { type LicenseFile, LicenseFileTable } from './licenseFiles.js';
import type { ComplianceRow, Entitlement } from '../../../functions/domain/licensing.js';

interface LicenseStateSummary {
  licensed: number;
  unlicensed: number;
  nextUnlicensedOn: string | null;
  expiringWithin30Days: number;
}

interface CustomerLicenseState {
  customerId: string;
  installs: number;
  devices: LicenseStateSummary;
  containers: LicenseStateSummary;
  licensingCounts: Record<string, number>;
  users: { users: number; activeUsers: number; reportRecipients: number };
}

interface Compliance {
  asOf: string;
  items: ComplianceRow[];
}

export function CustomerView({ customerId }: { customerId: string }) {
  const base = `/v1/customers/${encodeURIComponent(customerId)}`;
  const [state, retryState] = useAsync(() => request<CustomerLicenseState>(`${base}/license-state`), [customerId]);
  const [compliance, retryCompliance] = useAsync(() => request<Compliance>(`${base}/compliance`), [customerId]);
  // The compliance table lists every reported item with its usage; without it, the counts alone.
  const countsElsewhere = compliance.state === 'ok' || compliance.state === 'loading';
  const [installs, setInstalls] = useState<InstallRow[] | null>(null);
  return (
    <>
      <header class="page-head">
        <div>
          <p class="eyebrow">
            <a href="#/customers">Customers</a> / customer
          </p>
          <h1 tabIndex={-1}>{customerId}</h1>
          {state.state === 'ok' ? (
            <p class="lede">
              {format(state.value.installs)} registered install{state.value.installs === 1 ? '' : 's'} ·{' '}
              <a href={`#/installs?customerId=${encodeURIComponent(customerId)}`}>see them all</a>
            </p>
          ) : null}
        </div>
      </header>
      {state.state === 'error' && state.error instanceof ApiError && state.error.status === 404 ? (
        <Empty>
          There is no customer “{customerId}”: no install is registered for it. Check the id, or <a href="#/customers">search the customers</a>.
        </Empty>
      ) : (
        <>
          <Section title="License state">
            <Show result={state} what="license state" retry={retryState}>
              {(s) => <LicenseState state={s} showCounts={!countsElsewhere} />}
            </Show>
          </Section>
          <Section title="Entitlements against usage" id="compliance">
            <ComplianceView base={base} compliance={compliance} retry={retryCompliance} />
          </Section>
          <Section title="Installs" id="installs">
            <InstallList customerId={customerId} onLoaded={setInstalls} />
          </Section>
          <Section title="License files" id="license-files">
            {installs === null ? <Empty>License files are kept per install: open one of the customer's installs to see its files and issue one.</Empty> : <CustomerLicenseFiles installs={installs} />}
          </Section>
        </>
      )}
    </>
  );
}

function LicenseState({ state, showCounts }: { state: CustomerLicenseState; showCounts: boolean }) {
  const { devices, containers } = state;
  const counts = Object.entries(state.licensingCounts).sort((a, b) => b[1] - a[1]);
  return (
    <>
      <div class="stats">
        <Stat label="Licensed devices" value={format(devices.licensed)} testId="licensed-devices" tone="good" />
        <Stat label="Unlicensed devices" value={format(devices.unlicensed)} testId="unlicensed-devices" tone={devices.unlicensed > 0 ? 'warn' : undefined} />
        <Stat label="Licensed containers" value={format(containers.licensed)} testId="licensed-containers" tone="good" />
        <Stat label="Unlicensed containers" value={format(containers.unlicensed)} testId="unlicensed-containers" tone={containers.unlicensed > 0 ? 'warn' : undefined} />
        <Stat label="Ending within 30 days" value={format(devices.expiringWithin30Days + containers.expiringWithin30Days)} note={`next end: ${earliest(devices.nextUnlicensedOn, containers.nextUnlicensedOn) ?? 'none'}`} tone={devices.expiringWithin30Days + containers.expiringWithin30Days > 0 ? 'warn' : undefined} />
      </div>
      <div class="grid two">
        <BarChart
          title="Licensed and unlicensed, devices and containers"
          labels={['Devices', 'Containers']}
          series={[
            { label: 'Licensed', values: [devices.licensed, containers.licensed], color: '#16a34a' },
            { label: 'Unlicensed', values: [devices.unlicensed, containers.unlicensed], color: '#f59e0b' },
          ]}
          stacked
          horizontal
          height={180}
        />
        <div>
          <h3>Users</h3>
          <KeyValues
            rows={[
              ['Users', format(state.users.users)],
              ['Active users', format(state.users.activeUsers)],
              ['Report recipients', format(state.users.reportRecipients)],
            ]}
          />
        </div>
      </div>
      {showCounts ? (
        <>
          <h3>Reported licensing counts</h3>
          <DataTable<[string, number]>
            caption="Licensing counts by item"
            rows={counts}
            empty="No licensing counts reported yet."
            columns={[
              { key: 'item', label: 'Item', value: (r) => r[0] },
              { key: 'count', label: 'Count', numeric: true, value: (r) => r[1] },
            ]}
          />
        </>
      ) : null}
    </>
  );
}

/** An install-scoped row's label: the item and the start of the install id. */
function scopeLabel(row: { item: string; installId?: string | null }): string {
  return row.installId ? `${row.item} (install ${row.installId.slice(0, 8)}…)` : row.item;
}

function ScopeCell({ installId }: { installId?: string | null }) {
  return installId ? (
    <a href={href.install(installId)} title={installId}>
      install {installId.slice(0, 8)}…
    </a>
  ) : (
    <>pool</>
  );
}

function ComplianceView({ base, compliance, retry }: { base: string; compliance: Async<Compliance>; retry: () => void }) {
  const [entitlements, retryEntitlements] = useAsync(() => request<{ items: Entitlement[] }>(`${base}/entitlements`), [base]);
  return (
    <>
      <Show result={compliance} what="compliance" retry={retry}>
        {(c) =>
          c.items.length === 0 ? (
            <Empty>No entitlements and no reported usage yet.</Empty>
          ) : (
            <>
              <StatusSummary rows={c.items} />
              <BarChart
                title={`Entitled, used and peak per item, as of ${c.asOf}`}
                labels={c.items.map(scopeLabel)}
                series={[
                  { label: 'Entitled', values: c.items.map((r) => r.entitled), color: '#94a3b8' },
                  { label: 'Used', values: c.items.map((r) => r.used), color: '#2563eb' },
                  { label: 'Peak', values: c.items.map((r) => r.peak), color: '#db2777' },
                ]}
                height={260}
              />
              <DataTable<ComplianceRow>
                caption="Compliance per item"
                rows={c.items}
                columns={[
                  { key: 'item', label: 'Item', value: (r) => r.item },
                  { key: 'scope', label: 'Scope', value: (r) => r.installId ?? 'pool', render: (r) => <ScopeCell installId={r.installId} /> },
                  { key: 'entitled', label: 'Entitled', numeric: true, value: (r) => r.entitled },
                  { key: 'used', label: 'Used', numeric: true, value: (r) => r.used },
                  { key: 'peak', label: 'Peak', numeric: true, value: (r) => r.peak },
                  { key: 'overage', label: 'Overage', numeric: true, value: (r) => r.overage },
                  { key: 'status', label: 'Status', value: (r) => r.status, render: (r) => <Badge status={r.status} /> },
                  { key: 'overSince', label: 'Over since', nowrap: true, value: (r) => r.overSince, render: (r) => (r.overSince ? formatDateTime(r.overSince) : '—') },
                ]}
              />
            </>
          )
        }
      </Show>
      {entitlements.state === 'ok' ? (
        <>
          <h3>Entitlements</h3>
          <DataTable<Entitlement>
            caption="Entitlements"
            rows={entitlements.value.items}
            empty="No entitlements recorded for this customer."
            columns={[
              { key: 'entitlementId', label: 'Order line', value: (e) => e.entitlementId },
              { key: 'item', label: 'Item', value: (e) => e.item },
              { key: 'quantity', label: 'Quantity', numeric: true, value: (e) => e.quantity },
              { key: 'termStart', label: 'From', value: (e) => e.termStart },
              { key: 'termEnd', label: 'Until', value: (e) => e.termEnd ?? 'perpetual' },
              { key: 'graceDays', label: 'Grace days', numeric: true, value: (e) => e.graceDays ?? 30 },
              { key: 'scope', label: 'Scope', value: (e) => e.installId ?? 'pool', render: (e) => <ScopeCell installId={e.installId} /> },
              { key: 'contractRef', label: 'Contract', value: (e) => e.contractRef },
            ]}
          />
        </>
      ) : entitlements.state === 'error' ? (
        <ErrorBox error={entitlements.error} retry={retryEntitlements} />
      ) : null}
    </>
  );
}

function StatusSummary({ rows }: { rows: ComplianceRow[] }) {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
  const order = ['over_past_grace', 'over', 'unentitled', 'near', 'ok'].filter((s) => counts.has(s));
  const worst = order[0] ?? 'ok';
  return (
    <p class="compliance-status" data-testid="compliance-status">
      Compliance: <Badge status={worst} />{' '}
      {rows.length} item{rows.length === 1 ? '' : 's'}: {order.map((s) => `${counts.get(s)} ${s.replaceAll('_', ' ')}`).join(' · ')}
    </p>
  );
}

function CustomerLicenseFiles({ installs }: { installs: InstallRow[] }) {
  const ids = installs.map((i) => i.installId);
  const [result, retry] = useAsync(async () => {
    const pages = await Promise.all(ids.map((id) => request<Page<LicenseFile>>(`/v1/installs/${encodeURIComponent(id)}/license-files${query({ limit: 5 })}`)));
    return pages.flatMap((p) => p.items).sort((a, b) => b.issuedAt.localeCompare(a.issuedAt));
  }, [ids.join(',')]);
  if (ids.length === 0) return <Empty>No installs, so no license files.</Empty>;
  return (
    <Show result={result} what="license files" retry={retry}>
      {(files) => <LicenseFileTable files={files} showInstall />}
    </Show>
  );
}

/** The earlier of two dates (YYYY-MM-DD), either may be absent: the stat counts devices and containers together. */
function earliest(a: string | null | undefined, b: string | null | undefined): string | undefined {
  if (!a) return b ?? undefined;
  if (!b) return a;
  return a < b ? a : b;
}
