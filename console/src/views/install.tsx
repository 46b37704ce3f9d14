/**
 * An install: the latest summary of each of the twelve query types as tables and small charts,
 * its upload history with receipts, usage collection, key rotation (the new key shown once)
 * and its license files.
 */
import { useRef, useState } from 'preact/hooks';
import { ApiError, type Page, query, request } from '../api.js';
import { BarChart, DoughnutChart } from '../charts.js';
import { Badge, Empty, ErrorBox, format, formatDateTime, KeyValues, PagedTable, Section, Show, useAsync, usePager, href } from '../ui.js';
import { InstallLicenseFiles } from './licenseFiles.js';
import type { InstallListItem } from '../../../functions/domain/directory.js';
import type { querySpecs } from '../../../functions/domain/queries/index.js';

/** The twelve query types (DESIGN.md §1), required ones first; `optional` needs usage collection. */
const QUERY_TYPES: { type: string; title: string; optional?: boolean }[] = [
  { type: 'devices', title: 'Devices' },
  { type: 'device-license-states', title: 'Device license states' },
  { type: 'container-license-states', title: 'Container license states' },
  { type: 'containers', title: 'Containers' },
  { type: 'device-versions', title: 'Device versions' },
  { type: 'licensing-counts', title: 'Licensing counts' },
  { type: 'user-counts', title: 'User counts' },
  { type: 'probes', title: 'Probes' },
  { type: 'event-counts', title: 'Event counts' },
  { type: 'call-quality', title: 'Call quality', optional: true },
  { type: 'completed-schedules', title: 'Completed schedules', optional: true },
  { type: 'user-actions', title: 'User actions', optional: true },
];

interface Latest {
  collectedAt: string;
  uploadId: string;
  recordCount: number;
  summary: unknown;
}

/** GET /v1/installs/{installId}: the listing's row and the latest summaries. */
interface Install extends InstallListItem {
  queries: Record<string, Latest | undefined>;
}

interface Receipt {
  uploadId: string;
  installId: string;
  queryType: string;
  collectedAt: string;
  recordCount: number;
  sha256: string;
  duplicate: boolean;
}

export function InstallView({ installId }: { installId: string }) {
  const [result, retry] = useAsync(() => request<Install>(`/v1/installs/${encodeURIComponent(installId)}`), [installId]);
  if (result.state === 'error' && result.error instanceof ApiError && result.error.status === 404)
    return (
      <>
        <PageHead installId={installId} />
        <Empty>
          There is no install “{installId}”. Check the id, or <a href="#/installs">browse the installs</a>.
        </Empty>
      </>
    );
  return (
    <Show result={result} what="the install" retry={retry}>
      {(install) => (
        <>
          <PageHead installId={installId} install={install} />
          <Section title="Latest reports" id="latest">
            <div class="cards">
              {QUERY_TYPES.map((q) => (
                <SummaryCard key={q.type} spec={q} latest={install.queries[q.type]} usageEnabled={install.usageCollection.enabled} />
              ))}
            </div>
          </Section>
          <Section title="Upload history" id="uploads">
            <UploadHistory installId={installId} />
          </Section>
          <div class="grid two">
            <Section title="API key" id="key">
              <KeyRotation installId={installId} />
            </Section>
            <Section title="Usage data collection" id="usage">
              <p>
                <Badge status={install.usageCollection.enabled ? 'collecting' : 'opted out'} />{' '}
                {install.usageCollection.enabled
                  ? 'The install sends call quality, completed schedules and user actions.'
                  : 'The MPA admin opted out: the optional query types are refused and what was stored of them is deleted.'}
              </p>
              <p class="help">Only the install's MPA admin can change this (PUT /v1/usage-collection with the install's key).</p>
            </Section>
          </div>
          <Section title="License files" id="license-files">
            <InstallLicenseFiles installId={installId} />
          </Section>
        </>
      )}
    </Show>
  );
}

function PageHead({ installId, install }: { installId: string; install?: Install }) {
  return (
    <header class="page-head">
      <div>
        <p class="eyebrow">
          <a href="#/installs">Installs</a> / {install ? <a href={href.customer(install.customerId)}>{install.customerId}</a> : 'install'}
        </p>
        <h1 tabIndex={-1}>{install?.name ?? installId}</h1>
        {install ? (
          <p class="lede">
            <code>{install.installId}</code> · registered {formatDateTime(install.createdAt)} · last upload {formatDateTime(install.lastSeenAt)}
          </p>
        ) : null}
      </div>
    </header>
  );
}

function SummaryCard({ spec, latest, usageEnabled }: { spec: { type: string; title: string; optional?: boolean }; latest?: Latest; usageEnabled: boolean }) {
  return (
    <article class="card" aria-labelledby={`q-${spec.type}`} data-query-type={spec.type}>
      <header>
        <h3 id={`q-${spec.type}`}>{spec.title}</h3>
        {spec.optional ? <span class="tag">optional</span> : null}
      </header>
      {latest ? (
        <>
          <p class="card-meta">
            {formatDateTime(latest.collectedAt)} · {format(latest.recordCount)} record{latest.recordCount === 1 ? '' : 's'}
          </p>
          <Summary type={spec.type} summary={latest.summary} />
        </>
      ) : (
        <p class="state empty small">{spec.optional && !usageEnabled ? 'Not collected: usage collection is off.' : 'No snapshot yet.'}</p>
      )}
    </article>
  );
}

/** Key figures with the histogram they break down into under them. */
function FiguresAndHistogram({ rows, title, histogram, color }: { rows: [string, string][]; title: string; histogram: Record<string, number>; color?: string }) {
  return (
    <>
      <KeyValues rows={rows} />
      {histogramChart(title, histogram, color)}
    </>
  );
}

function histogramChart(title: string, histogram: Record<string, number>, color?: string) {
  const entries = Object.entries(histogram).sort((a, b) => b[1] - a[1]).slice(0, 8);
  if (entries.length === 0) return null;
  return <BarChart title={title} labels={entries.map(([k]) => (k.length > 18 ? `${k.slice(0, 17)}…` : k))} series={[{ label: title, values: entries.map(([, v]) => v), color }]} horizontal height={140} />;
}

/** A query type's summary as its spec makes it (the API answers it as JSON, unchanged). */
type SummaryOf<Q extends Spec['queryType']> = ReturnType<Extract<Spec, { queryType: Q }>['summarize']>;
type Spec = (typeof querySpecs)[number];

function Summary({ type, summary }: { type: string; summary: unknown }) {
  switch (type) {
    case 'devices': {
      const s = summary as SummaryOf<'devices'>;
      return <FiguresAndHistogram rows={[['Devices', format(s.total)], ['With ARID', format(s.byIdentifier.arid)], ['With hardware id', format(s.byIdentifier.hardwareId)], ['With serial number', format(s.byIdentifier.serialNumber)]]} title="Devices by type" histogram={s.byType} />;
    }
    case 'device-license-states':
    case 'container-license-states': {
      const s = summary as SummaryOf<'container-license-states'>;
      return (
        <>
          <DoughnutChart title={type === 'device-license-states' ? 'Device license state' : 'Container license state'} labels={['Licensed', 'Unlicensed']} values={[s.licensed, s.unlicensed]} colors={['#16a34a', '#f59e0b']} height={120} />
          <KeyValues rows={[['Next end date', s.nextUnlicensedOn ?? 'none'], ['Ending within 30 days', format(s.expiringWithin30Days)]]} />
        </>
      );
    }
    case 'containers': {
      const s = summary as SummaryOf<'containers'>;
      return <KeyValues rows={[['Containers', format(s.total)], ['Roots', format(s.roots)], ['Deepest level', format(s.maxDepth)]]} />;
    }
    case 'device-versions': {
      const s = summary as SummaryOf<'device-versions'>;
      return <FiguresAndHistogram rows={[['Devices', format(s.total)]]} title="Devices by software version" histogram={s.bySoftwareVersion} color="#7c3aed" />;
    }
    case 'licensing-counts': {
      const s = summary as SummaryOf<'licensing-counts'>;
      return histogramChart('Count by item', s.items, '#0d9488') ?? <p class="muted">No items.</p>;
    }
    case 'user-counts': {
      const s = summary as SummaryOf<'user-counts'>;
      return <KeyValues rows={[['Users', format(s.users)], ['Active users', format(s.activeUsers)], ['Report recipients', format(s.reportRecipients)]]} />;
    }
    case 'probes': {
      const s = summary as SummaryOf<'probes'>;
      return <KeyValues rows={[['Probes', format(s.total)], ['Restarts today', format(s.restartsToday)], ['No check-in in 24 h', format(s.staleProbes)]]} />;
    }
    case 'event-counts': {
      const s = summary as SummaryOf<'event-counts'>;
      return <KeyValues rows={[['Devices', format(s.devices)], ['Events (24 h)', format(s.totalEvents)], ['Most on one device', format(s.maxEvents)]]} />;
    }
    case 'call-quality': {
      const s = summary as SummaryOf<'call-quality'>;
      return <KeyValues rows={[['Streams', format(s.streams)], ['Poor streams', format(s.poorStreams)], ['Average MOS', s.avgMos === null ? '—' : s.avgMos.toFixed(2)]]} />;
    }
    case 'completed-schedules': {
      const s = summary as SummaryOf<'completed-schedules'>;
      return <FiguresAndHistogram rows={[['Completed', format(s.completed)]]} title="Completed by schedule type" histogram={s.byScheduleType} color="#ea580c" />;
    }
    case 'user-actions': {
      const s = summary as SummaryOf<'user-actions'>;
      return <KeyValues rows={[['Users', format(s.users)], ['Actions', format(s.actions)]]} />;
    }
    default:
      // A query type this console does not know yet: its fields as they are.
      return <KeyValues rows={Object.entries(summary as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : format(v)])} />;
  }
}

function UploadHistory({ installId }: { installId: string }) {
  const [queryType, setQueryType] = useState('');
  const pager = usePager(queryType);
  const [result, retry] = useAsync(
    () => request<Page<Receipt>>(`/v1/installs/${encodeURIComponent(installId)}/uploads${query({ queryType, limit: 20, cursor: pager.cursor })}`),
    [installId, queryType, pager.cursor],
  );
  return (
    <>
      <div class="inline-form">
        <label for="upload-type">Query type</label>
        <select id="upload-type" value={queryType} onChange={(e) => setQueryType((e.target as HTMLSelectElement).value)}>
          <option value="">All types</option>
          {QUERY_TYPES.map((q) => (
            <option key={q.type} value={q.type}>
              {q.title}
            </option>
          ))}
        </select>
      </div>
      <PagedTable<Receipt> result={result} retry={retry} what="upload history" label="Uploads" caption="Accepted uploads, newest first" pager={pager} empty="No accepted uploads yet."
        columns={[
          { key: 'collectedAt', label: 'Collected', value: (r) => r.collectedAt, render: (r) => formatDateTime(r.collectedAt) },
          { key: 'queryType', label: 'Query type', value: (r) => r.queryType },
          { key: 'recordCount', label: 'Records', numeric: true, value: (r) => r.recordCount },
          { key: 'uploadId', label: 'Receipt (upload id)', value: (r) => r.uploadId, render: (r) => <code>{r.uploadId}</code> },
          { key: 'sha256', label: 'SHA-256', value: (r) => r.sha256, render: (r) => <code title={r.sha256}>{r.sha256.slice(0, 12)}…</code> },
        ]}
      />
    </>
  );
}

function KeyRotation({ installId }: { installId: string }) {
  const [stage, setStage] = useState<'idle' | 'confirm' | 'busy' | { apiKey: string } | Error>('idle');
  const [copied, setCopied] = useState('');
  const keyField = useRef<HTMLInputElement>(null);
  async function rotate() {
    setStage('busy');
    try {
      setStage(await request<{ apiKey: string }>(`/v1/installs/${encodeURIComponent(installId)}/keys`, { method: 'POST' }));
    } catch (error) {
      setStage(error as Error);
    }
  }
  async function copy(apiKey: string) {
    try {
      await navigator.clipboard.writeText(apiKey);
      setCopied('Copied to the clipboard.');
    } catch {
      keyField.current?.select();
      setCopied('Selected: press Ctrl+C (⌘C) to copy.');
    }
  }
  if (typeof stage === 'object' && !(stage instanceof Error))
    return (
      <div class="new-key" role="status">
        <p>
          <strong>New key — shown only now.</strong> Give it to the install's MPA admin; the previous key no longer works.
        </p>
        <label for="new-key">New install API key</label>
        <div class="copy-row">
          <input id="new-key" ref={keyField} readOnly value={stage.apiKey} spellcheck={false} onFocus={(e) => (e.target as HTMLInputElement).select()} />
          <button type="button" class="button primary" onClick={() => copy(stage.apiKey)}>
            Copy
          </button>
        </div>
        <p class="help" aria-live="polite">
          {copied}
        </p>
        <button type="button" class="button ghost" onClick={() => setStage('idle')}>
          Done, hide it
        </button>
      </div>
    );
  return (
    <>
      <p>Rotate the key when it may have leaked or the install is moved. The current key stops working at once.</p>
      {stage instanceof Error ? <ErrorBox error={stage} /> : null}
      {stage === 'confirm' || stage === 'busy' ? (
        <div class="confirm" role="group" aria-label="Confirm key rotation">
          <p>The install's current key will stop working. Rotate now?</p>
          <button type="button" class="button danger" onClick={rotate} disabled={stage === 'busy'}>
            {stage === 'busy' ? 'Rotating…' : 'Yes, rotate the key'}
          </button>{' '}
          <button type="button" class="button ghost" onClick={() => setStage('idle')}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" class="button secondary" onClick={() => setStage('confirm')}>
          Rotate key…
        </button>
      )}
    </>
  );
}
