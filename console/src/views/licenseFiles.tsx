/**
 * License files (DESIGN.md §9): an install's list with downloads, and issuing a new one. A
 * download is the file's text as the customer receives it, built in the browser.
 */
import { useState } from 'preact/hooks';
import { ApiError, type Page, query, request } from '../api.js';
import { download } from '../download.js';
import { DataTable, ErrorBox, formatDateTime, Pager, Show, useAsync, usePager } from '../ui.js';
import type { LicenseFile } from '../../../functions/domain/licenseFileTypes.js';

/** The service's own type (types only: nothing of functions/ is bundled). */
export type { LicenseFile } from '../../../functions/domain/licenseFileTypes.js';

export function downloadLicenseFile(file: LicenseFile): void {
  download(`mpa-license-${file.installId}-${file.issuedAt.slice(0, 10)}.lic`, file.file.endsWith('\n') ? file.file : `${file.file}\n`, 'application/octet-stream');
}

export function LicenseFileTable({ files, showInstall }: { files: LicenseFile[]; showInstall?: boolean }) {
  return (
    <DataTable<LicenseFile>
      caption="License files"
      rows={files}
      empty="No license file issued yet."
      columns={[
        ...(showInstall ? [{ key: 'installId', label: 'Install', value: (f: LicenseFile) => f.installId, render: (f: LicenseFile) => <a href={`#/installs/${encodeURIComponent(f.installId)}`}>{f.installId}</a> }] : []),
        { key: 'issuedAt', label: 'Issued', value: (f) => f.issuedAt, render: (f) => formatDateTime(f.issuedAt) },
        { key: 'expiresAt', label: 'Expires', value: (f) => f.expiresAt, render: (f) => formatDateTime(f.expiresAt) },
        { key: 'entitlements', label: 'Entitlements', numeric: true, value: (f) => f.entitlements.length },
        { key: 'acknowledges', label: 'Reports acknowledged', numeric: true, value: (f) => f.acknowledges.length },
        {
          key: 'download',
          label: 'File',
          sortable: false,
          value: () => '',
          render: (f) => (
            <button type="button" class="button small secondary" onClick={() => downloadLicenseFile(f)} aria-label={`Download license file issued ${formatDateTime(f.issuedAt)}`}>
              Download
            </button>
          ),
        },
      ]}
    />
  );
}

/** An install's license files, newest first, and the form that issues one. */
export function InstallLicenseFiles({ installId }: { installId: string }) {
  const pager = usePager(installId);
  const [result, retry] = useAsync(() => request<Page<LicenseFile>>(`/v1/installs/${encodeURIComponent(installId)}/license-files${query({ limit: 10, cursor: pager.cursor })}`), [installId, pager.cursor]);
  const [validDays, setValidDays] = useState('365');
  const [issuing, setIssuing] = useState<'idle' | 'busy' | Error | LicenseFile>('idle');
  async function issue(event: Event) {
    event.preventDefault();
    setIssuing('busy');
    try {
      const file = await request<LicenseFile>(`/v1/installs/${encodeURIComponent(installId)}/license-files`, { method: 'POST', body: { validDays: Number(validDays) } });
      setIssuing(file);
      retry();
    } catch (error) {
      setIssuing(error as Error);
    }
  }
  if (result.state === 'unavailable') return <Show result={result} what="license files">{() => null}</Show>;
  return (
    <>
      <form class="inline-form" onSubmit={issue} aria-label="Issue a license file">
        <label for="valid-days">Valid for days</label>
        <input id="valid-days" type="number" min={1} max={400} value={validDays} onInput={(e) => setValidDays((e.target as HTMLInputElement).value)} />
        <button type="submit" class="button primary" disabled={issuing === 'busy'}>
          {issuing === 'busy' ? 'Issuing…' : 'Issue license file'}
        </button>
      </form>
      {issuing instanceof ApiError && issuing.problem.code === 'reports_missing' ? (
        <div class="state error" role="alert">
          <strong>Reports missing.</strong> A license file needs an accepted snapshot of each required query type collected within the last 30 days:
          <ul class="problem-errors">
            {(issuing.problem.errors ?? []).map((e) => (
              <li key={e.path}>
                <code>{e.path.replace(/^queries\./, '')}</code> {e.message}
              </li>
            ))}
          </ul>
        </div>
      ) : issuing instanceof Error ? (
        <ErrorBox error={issuing} />
      ) : null}
      {typeof issuing === 'object' && !(issuing instanceof Error) ? (
        <p class="notice good" role="status">
          License file issued, valid until {formatDateTime(issuing.expiresAt)}.{' '}
          <button type="button" class="button small primary" onClick={() => downloadLicenseFile(issuing)}>
            Download it
          </button>
        </p>
      ) : null}
      <Show result={result} what="license files" retry={retry}>
        {(page) => (
          <>
            <LicenseFileTable files={page.items} />
            <Pager pager={pager} nextCursor={page.nextCursor} label="License files" />
          </>
        )}
      </Show>
    </>
  );
}
