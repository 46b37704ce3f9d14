/**
 * Reports: one page of a report at a time with the API's parameters, sortable columns, and a
 * CSV export of every page (spreadsheet-safe, csv.ts).
 */
import { useEffect, useState } from 'preact/hooks';
import { type Page, query, readAll, request } from '../api.js';
import { toCsv } from '../csv.js';
import { download } from '../download.js';
import { REPORTS, reportNamed, type ReportDef } from '../reports.js';
import { Badge, type Column, DataTable, ErrorBox, formatDateTime, href, Pager, Show, today, useAsync, usePager } from '../ui.js';

const PAGE_SIZE = 50;

export function ReportsView({ name, params }: { name?: string; params: URLSearchParams }) {
  const report = reportNamed(name);
  const values = Object.fromEntries(report.params.map((p) => [p.name, params.get(p.name) ?? '']));
  const paramKey = `${report.name}?${JSON.stringify(values)}`;
  return (
    <>
      <header class="page-head">
        <div>
          <p class="eyebrow">Reports</p>
          <h1 tabIndex={-1}>{report.title}</h1>
          <p class="lede">{report.description}</p>
        </div>
      </header>
      <nav class="tabs" aria-label="Reports">
        {REPORTS.map((r) => (
          <a key={r.name} href={href.report(r.name)} aria-current={r.name === report.name ? 'page' : undefined}>
            {r.title}
          </a>
        ))}
      </nav>
      <ReportParams key={paramKey} report={report} values={values} />
      <ReportTable key={paramKey} report={report} values={values} />
    </>
  );
}

function ReportParams({ report, values }: { report: ReportDef; values: Record<string, string> }) {
  const [draft, setDraft] = useState(values);
  if (report.params.length === 0) return null;
  return (
    <form
      class="params panel"
      onSubmit={(e) => {
        e.preventDefault();
        const set = Object.fromEntries(Object.entries(draft).filter(([, v]) => v !== '')) as Record<string, string>;
        location.hash = href.report(report.name, set);
      }}
    >
      {report.params.map((p) => (
        <div class="field" key={p.name}>
          <label for={`param-${p.name}`}>{p.label}</label>
          <input
            id={`param-${p.name}`}
            name={p.name}
            type={p.type as 'text'}
            min={p.min}
            max={p.max}
            placeholder={p.placeholder ?? (p.type === 'date' ? today() : '')}
            value={draft[p.name] ?? ''}
            aria-describedby={`param-${p.name}-help`}
            onInput={(e) => setDraft({ ...draft, [p.name]: (e.target as HTMLInputElement).value })}
          />
          <span class="help" id={`param-${p.name}-help`}>
            {p.help}
          </span>
        </div>
      ))}
      <button type="submit" class="button primary">
        Apply
      </button>
    </form>
  );
}

function ReportTable({ report, values }: { report: ReportDef; values: Record<string, string> }) {
  const pager = usePager(report.name);
  const [result, retry] = useAsync(() => request<Page<unknown>>(report.path + query({ ...values, limit: PAGE_SIZE, cursor: pager.cursor })), [pager.cursor]);
  const [exporting, setExporting] = useState<'idle' | 'busy' | Error>('idle');
  const [note, setNote] = useState('');
  useEffect(() => setNote(''), [report.name]);
  const columns: Column<unknown>[] = report.columns.map((c) => ({
    key: c.key,
    label: c.label,
    numeric: c.numeric,
    nowrap: c.link !== undefined || c.show !== undefined,
    value: (row) => c.value(row) as string | number | null,
    render: (row) => {
      const v = c.value(row);
      if (v === null || v === undefined || v === '') return '—';
      if (c.show === 'status') return <Badge status={String(v)} />;
      if (c.show === 'datetime') return formatDateTime(String(v));
      // An over-deployment row's scope is an install id, or "pool" (no page to link to).
      if (c.link === 'customer') return <a href={href.customer(String(v))}>{String(v)}</a>;
      if (c.link === 'install' && v !== 'pool') return <a href={href.install(String(v))}>{String(v)}</a>;
      return typeof v === 'number' ? v.toLocaleString('en-US') : String(v);
    },
  }));
  async function exportCsv() {
    setExporting('busy');
    try {
      const { items, truncated } = await readAll<unknown>(report.path, values);
      const stamp = new Date().toISOString().slice(0, 10);
      download(`${report.name}-${stamp}.csv`, toCsv(report.columns.map((c) => c.key), items.map((row) => report.columns.map((c) => c.value(row)))));
      setNote(`Exported ${items.length.toLocaleString('en-US')} rows${truncated ? ' (the first 50,000 only)' : ''}.`);
      setExporting('idle');
    } catch (error) {
      setExporting(error as Error);
    }
  }
  return (
    <section class="panel" aria-labelledby="report-results">
      <header class="panel-head">
        <h2 id="report-results">Results</h2>
        <div class="panel-actions">
          {note ? (
            <span class="muted" role="status">
              {note}
            </span>
          ) : null}
          <button type="button" class="button secondary" onClick={exportCsv} disabled={exporting === 'busy' || result.state !== 'ok'}>
            {exporting === 'busy' ? 'Exporting…' : 'Export CSV'}
          </button>
        </div>
      </header>
      {exporting instanceof Error ? <ErrorBox error={exporting} /> : null}
      <Show result={result} what={`the ${report.title.toLowerCase()} report`} retry={retry}>
        {(page) => (
          <>
            <DataTable columns={columns} rows={page.items} caption={report.title} empty={report.empty} />
            <Pager pager={pager} nextCursor={page.nextCursor} label={report.title} />
          </>
        )}
      </Show>
    </section>
  );
}
