/**
 * Shared building blocks of the views: data loading with loading/empty/error/not-available
 * states, sortable tables, pagers, stat cards and formatting.
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, NotAvailable, type Page, SignedOut } from './api.js';

export type Async<T> =
  | { state: 'loading' }
  | { state: 'ok'; value: T }
  | { state: 'unavailable'; message: string }
  | { state: 'error'; error: Error };

/** Runs `load` whenever a dependency changes; a newer run wins over an older one. */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): [Async<T>, () => void] {
  const [result, setResult] = useState<Async<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  const run = useRef(0);
  useEffect(() => {
    const mine = ++run.current;
    setResult({ state: 'loading' });
    load().then(
      (value) => mine === run.current && setResult({ state: 'ok', value }),
      (error: Error) => {
        if (mine !== run.current || error instanceof SignedOut) return;
        setResult(error instanceof NotAvailable ? { state: 'unavailable', message: error.message } : { state: 'error', error });
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return [result, useCallback(() => setTick((t) => t + 1), [])];
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div class="state loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="state empty">{children}</div>;
}

export function Unavailable({ what, message }: { what: string; message?: string }) {
  return (
    <div class="state unavailable" data-state="unavailable">
      <strong>{what}: not available.</strong> {message ?? 'This server does not offer it yet.'}
    </div>
  );
}

export function ErrorBox({ error, retry }: { error: Error; retry?: () => void }) {
  const problem = error instanceof ApiError ? error.problem : undefined;
  return (
    <div class="state error" role="alert">
      <strong>{problem?.title ?? 'Something went wrong'}</strong>
      {problem?.status ? <span class="muted"> ({problem.status}{problem.code ? ` ${problem.code}` : ''})</span> : null}
      <p>{error.message}</p>
      {problem?.errors?.length ? <ProblemErrors errors={problem.errors} /> : null}
      {retry ? (
        <button type="button" class="button secondary" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function ProblemErrors({ errors }: { errors: { path: string; message: string }[] }) {
  return (
    <ul class="problem-errors">
      {errors.map((e, i) => (
        <li key={i}>
          {e.path ? <code>{e.path}</code> : null} {e.message}
        </li>
      ))}
    </ul>
  );
}

/** Renders one of the four states, or the value through `children`. */
export function Show<T>({ result, what, retry, children }: { result: Async<T>; what: string; retry?: () => void; children: (value: T) => ComponentChildren }) {
  switch (result.state) {
    case 'loading':
      return <Loading label={`Loading ${what}…`} />;
    case 'unavailable':
      return <Unavailable what={capitalize(what)} message={result.message} />;
    case 'error':
      return <ErrorBox error={result.error} retry={retry} />;
    default:
      return <>{children(result.value)}</>;
  }
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export interface Column<T> {
  key: string;
  label: string;
  value: (row: T) => string | number | null | undefined;
  render?: (row: T) => ComponentChildren;
  numeric?: boolean;
  /** False for a column of actions (a Download button): nothing to sort by. */
  sortable?: boolean;
  /** Keeps an id or a timestamp on one line. */
  nowrap?: boolean;
}

/** A table whose column headers sort the rows shown (buttons, so the keyboard can sort too). */
export function DataTable<T>({ columns, rows, caption, empty, initialSort }: { columns: Column<T>[]; rows: T[]; caption: string; empty?: ComponentChildren; initialSort?: string }) {
  const [sort, setSort] = useState<{ key: string; dir: 1 | -1 } | null>(initialSort ? { key: initialSort, dir: 1 } : null);
  const sorted = useMemo(() => {
    if (!sort) return rows;
    const column = columns.find((c) => c.key === sort.key);
    if (!column) return rows;
    return [...rows].sort((a, b) => compare(column.value(a), column.value(b)) * sort.dir);
  }, [rows, sort, columns]);
  if (rows.length === 0) return <Empty>{empty ?? 'Nothing to show.'}</Empty>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => {
              const active = sort?.key === c.key ? sort : undefined;
              if (c.sortable === false)
                return (
                  <th key={c.key} scope="col" class={c.numeric ? 'num' : ''}>
                    <span class="th-label">{c.label}</span>
                  </th>
                );
              return (
                <th key={c.key} scope="col" class={c.numeric ? 'num' : ''} aria-sort={active ? (active.dir === 1 ? 'ascending' : 'descending') : 'none'}>
                  <button type="button" class="sort" onClick={() => setSort(active ? { key: c.key, dir: active.dir === 1 ? -1 : 1 } : { key: c.key, dir: 1 })}>
                    {c.label}
                    <span class="sort-mark" aria-hidden="true">
                      {active ? (active.dir === 1 ? '▲' : '▼') : '↕'}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((row, i) => (
            <tr key={i}>
              {columns.map((c) => (
                <td key={c.key} class={[c.numeric ? 'num' : '', c.nowrap ? 'nowrap' : ''].join(' ').trim()}>
                  {c.render ? c.render(row) : format(c.value(row))}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined || a === '') return 1;
  if (b === null || b === undefined || b === '') return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

export function format(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'number') return value.toLocaleString('en-US');
  return String(value);
}

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return 'never';
  return value.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}

const FIRST_PAGE: readonly (string | undefined)[] = [undefined];

/**
 * Cursor paging: a stack of the cursors of the pages before, so Previous works too. A new
 * `resetKey` starts at page 1 in the same render, so no page is fetched with the cursor the
 * old key's listing gave (the effect then forgets the old key's stack).
 */
export function usePager(resetKey: string) {
  const [paged, setPaged] = useState({ key: resetKey, cursors: FIRST_PAGE });
  const cursorsOf = (state: typeof paged) => (state.key === resetKey ? state.cursors : FIRST_PAGE);
  const cursors = cursorsOf(paged);
  useEffect(() => setPaged((state) => (state.key === resetKey ? state : { key: resetKey, cursors: FIRST_PAGE })), [resetKey]);
  return {
    cursor: cursors[cursors.length - 1],
    page: cursors.length,
    next: (nextCursor: string) => setPaged((state) => ({ key: resetKey, cursors: [...cursorsOf(state), nextCursor] })),
    previous: () =>
      setPaged((state) => {
        const before = cursorsOf(state);
        return { key: resetKey, cursors: before.length > 1 ? before.slice(0, -1) : before };
      }),
  };
}

export function Pager({ pager, nextCursor, label }: { pager: ReturnType<typeof usePager>; nextCursor?: string | null; label: string }) {
  if (pager.page === 1 && !nextCursor) return null;
  return (
    <nav class="pager" aria-label={`${label} pages`}>
      <button type="button" class="button secondary" disabled={pager.page === 1} onClick={pager.previous}>
        ← Previous
      </button>
      <span>Page {pager.page}</span>
      <button type="button" class="button secondary" disabled={!nextCursor} onClick={() => nextCursor && pager.next(nextCursor)}>
        Next →
      </button>
    </nav>
  );
}

/** One page of a paged list: its loading, error and empty states, its rows as a sortable table, and the pager. */
export function PagedTable<T>(props: { result: Async<Page<T>>; retry: () => void; what: string; label: string; caption: string; empty: ComponentChildren; columns: Column<T>[]; pager: ReturnType<typeof usePager> }) {
  const { result, retry, what, label, caption, empty, columns, pager } = props;
  return (
    <Show result={result} what={what} retry={retry}>
      {(page) => (
        <>
          <DataTable<T> caption={caption} rows={page.items} empty={empty} columns={columns} />
          <Pager pager={pager} nextCursor={page.nextCursor} label={label} />
        </>
      )}
    </Show>
  );
}

export function Stat({ label, value, href, note, testId, tone }: { label: string; value: ComponentChildren; href?: string; note?: ComponentChildren; testId?: string; tone?: 'warn' | 'bad' | 'good' }) {
  const body = (
    <>
      <span class="stat-label">{label}</span>
      <span class="stat-value" data-testid={testId}>
        {value}
      </span>
      {note ? <span class="stat-note">{note}</span> : null}
    </>
  );
  return href ? (
    <a class={`stat ${tone ?? ''}`} href={href}>
      {body}
    </a>
  ) : (
    <div class={`stat ${tone ?? ''}`}>{body}</div>
  );
}

export function Section({ title, children, actions, id }: { title: string; children: ComponentChildren; actions?: ComponentChildren; id?: string }) {
  const headingId = `h-${id ?? title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section class="panel" aria-labelledby={headingId}>
      <header class="panel-head">
        <h2 id={headingId}>{title}</h2>
        {actions ? <div class="panel-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

const STATUS_TONES: Record<string, string> = { ok: 'good', accepted: 'good', licensed: 'good', near: 'warn', duplicate: 'info', over: 'bad', over_past_grace: 'bad', unentitled: 'bad', rejected: 'bad' };

export function Badge({ status }: { status: string }) {
  return <span class={`badge ${STATUS_TONES[status] ?? 'info'}`}>{status.replaceAll('_', ' ')}</span>;
}

export function KeyValues({ rows }: { rows: [string, ComponentChildren][] }) {
  return (
    <dl class="kv">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Today (UTC) as YYYY-MM-DD. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export const href = {
  customer: (id: string) => `#/customers/${encodeURIComponent(id)}`,
  install: (id: string) => `#/installs/${encodeURIComponent(id)}`,
  report: (name: string, params: Record<string, string | number> = {}) => {
    const search = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
    return `#/reports/${name}${search ? `?${search}` : ''}`;
  },
};
