/** Customers: a searchable (by id prefix), paged list, and opening a customer by id. */
import { useState } from 'preact/hooks';
import { type Page, query, request } from '../api.js';
import { formatDateTime, href, PagedTable, Section, useAsync, usePager } from '../ui.js';
import { OpenById } from './lookup.js';
import type { CustomerListItem } from '../../../functions/domain/directory.js';

type CustomerRow = CustomerListItem;

export function CustomersView({ params }: { params: URLSearchParams }) {
  const prefix = params.get('prefix') ?? '';
  const [draft, setDraft] = useState(prefix);
  const pager = usePager(prefix);
  const [result, retry] = useAsync(() => request<Page<CustomerRow>>(`/v1/customers${query({ prefix, limit: 50, cursor: pager.cursor })}`), [prefix, pager.cursor]);
  return (
    <>
      <header class="page-head">
        <div>
          <p class="eyebrow">Customers</p>
          <h1 tabIndex={-1}>Customers</h1>
          <p class="lede">Find a customer to see its license state, entitlements against usage, installs and license files.</p>
        </div>
        <OpenById kind="customer" />
      </header>
      <Section
        title="All customers"
        actions={
          <form
            class="inline-form"
            role="search"
            aria-label="Search customers"
            onSubmit={(e) => {
              e.preventDefault();
              location.hash = `#/customers${draft ? `?prefix=${encodeURIComponent(draft)}` : ''}`;
            }}
          >
            <label for="customer-search">Customer id starts with</label>
            <input id="customer-search" type="search" value={draft} onInput={(e) => setDraft((e.target as HTMLInputElement).value)} />
            <button type="submit" class="button secondary">
              Search
            </button>
          </form>
        }
      >
        <PagedTable<CustomerRow> result={result} retry={retry} what="customers" label="Customers" caption="Customers" pager={pager} empty={prefix ? `No customer id starts with “${prefix}”.` : 'No customers yet: register an install to add one.'}
          columns={[
            { key: 'customerId', label: 'Customer', value: (r) => r.customerId, render: (r) => <a href={href.customer(r.customerId)}>{r.customerId}</a> },
            { key: 'installs', label: 'Installs', numeric: true, value: (r) => r.installs },
            { key: 'lastSeenAt', label: 'Last upload', value: (r) => r.lastSeenAt, render: (r) => formatDateTime(r.lastSeenAt) },
          ]}
        />
      </Section>
    </>
  );
}
