/** Installs: the paged list (optionally one customer's), and opening an install by id. */
import { type Page, query, request } from '../api.js';
import { Badge, formatDateTime, href, PagedTable, Section, useAsync, usePager } from '../ui.js';
import { OpenById } from './lookup.js';
import type { InstallListItem } from '../../../functions/domain/directory.js';

/** A row of GET /v1/installs: the service's own type (types only: nothing of functions/ is bundled). */
export type InstallRow = InstallListItem;

export function InstallsView({ params }: { params: URLSearchParams }) {
  const customerId = params.get('customerId') ?? undefined;
  return (
    <>
      <header class="page-head">
        <div>
          <p class="eyebrow">Installs</p>
          <h1 tabIndex={-1}>Installs</h1>
          <p class="lede">Every registered MPA install, by customer. Open one to see its latest reports, uploads, key and license files.</p>
        </div>
        <OpenById kind="install" />
      </header>
      <Section title={customerId ? `Installs of ${customerId}` : 'All installs'}>
        <InstallList customerId={customerId} />
      </Section>
    </>
  );
}

/** One page at a time of GET /v1/installs (shared with the customer page). */
export function InstallList({ customerId, onLoaded }: { customerId?: string; onLoaded?: (rows: InstallRow[]) => void }) {
  const pager = usePager(customerId ?? '');
  const [result, retry] = useAsync(async () => {
    const page = await request<Page<InstallRow>>(`/v1/installs${query({ customerId, limit: 50, cursor: pager.cursor })}`);
    onLoaded?.(page.items);
    return page;
  }, [customerId, pager.cursor]);
  return (
    <PagedTable<InstallRow> result={result} retry={retry} what="installs" label="Installs" caption="Installs" pager={pager} empty="No installs registered yet."
      columns={[
        { key: 'name', label: 'Install', value: (r) => r.name, render: (r) => <a href={href.install(r.installId)}>{r.name}</a> },
        { key: 'installId', label: 'Id', value: (r) => r.installId, render: (r) => <code>{r.installId}</code> },
        ...(customerId ? [] : [{ key: 'customerId', label: 'Customer', value: (r: InstallRow) => r.customerId, render: (r: InstallRow) => <a href={href.customer(r.customerId)}>{r.customerId}</a> }]),
        { key: 'lastSeenAt', label: 'Last upload', value: (r) => r.lastSeenAt, render: (r) => formatDateTime(r.lastSeenAt) },
        { key: 'usage', label: 'Usage data', value: (r) => (r.usageCollection.enabled ? 'on' : 'off'), render: (r) => <Badge status={r.usageCollection.enabled ? 'collecting' : 'opted out'} /> },
      ]}
    />
  );
}
