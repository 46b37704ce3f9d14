/**
 * Offline bundle upload on a customer's behalf (DESIGN.md §5): choose or drop the customer's
 * zip; the answer is shown per file (accepted, duplicate, or rejected with the problem).
 */
import { useState } from 'preact/hooks';
import { ApiError, request } from '../api.js';
import { Badge, DataTable, ErrorBox, format, href, ProblemErrors, Section } from '../ui.js';

const MAX_POST_BYTES = 4 * 1024 * 1024;

interface BundleResult {
  bundleId: string;
  installId: string;
  results: {
    queryType: string;
    status: 'accepted' | 'duplicate' | 'rejected';
    receipt?: { uploadId: string; recordCount: number; collectedAt: string };
    problem?: { detail: string; code: string; errors?: { path: string; message: string }[] };
  }[];
}

export function BundleView() {
  const [file, setFile] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [state, setState] = useState<'idle' | 'busy' | BundleResult | Error>('idle');
  function choose(f: File | undefined | null) {
    if (!f) return;
    setFile(f);
    setState('idle');
  }
  async function upload(event: Event) {
    event.preventDefault();
    if (!file) return;
    if (file.size > MAX_POST_BYTES) return setState(new Error(`The bundle is ${format(file.size)} bytes; the console posts up to 4 MiB. Larger bundles go through an upload session, which only the install's own key may open: upload them with the CLI (mpa-licensing bundle upload) and that key.`));
    setState('busy');
    try {
      setState(await request<BundleResult>('/v1/bundles', { method: 'POST', raw: await file.arrayBuffer(), contentType: 'application/zip' }));
    } catch (error) {
      setState(error as Error);
    }
  }
  const counts = typeof state === 'object' && !(state instanceof Error) ? countBy(state.results.map((r) => r.status)) : null;
  return (
    <>
      <header class="page-head">
        <div>
          <p class="eyebrow">Offline licensing</p>
          <h1 tabIndex={-1}>Bundle upload</h1>
          <p class="lede">Upload an offline bundle (a zip exported by MPA) on a customer's behalf. The install is the one named in the bundle's manifest.</p>
        </div>
      </header>
      <Section title="Choose a bundle">
        <form onSubmit={upload}>
          <label
            class={`dropzone${dragging ? ' dragging' : ''}`}
            for="bundle-file"
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={(e) => {
              e.preventDefault();
              setDragging(false);
              choose(e.dataTransfer?.files[0]);
            }}
          >
            <span class="dropzone-icon" aria-hidden="true">
              ⇪
            </span>
            <span>
              <strong>Drop the .zip here</strong> or press to choose a file
            </span>
            <span class="help">{file ? `Chosen: ${file.name} (${format(file.size)} bytes)` : 'Up to 4 MiB; larger bundles go through the CLI.'}</span>
            <input id="bundle-file" class="visually-hidden-input" type="file" accept=".zip,application/zip" onChange={(e) => choose((e.target as HTMLInputElement).files?.[0])} />
          </label>
          <button type="submit" class="button primary" disabled={!file || state === 'busy'}>
            {state === 'busy' ? 'Uploading…' : 'Upload bundle'}
          </button>
        </form>
      </Section>
      {state instanceof ApiError && state.problem.code === 'invalid_bundle' ? (
        <div class="state error" role="alert">
          <strong>The bundle was refused as a whole.</strong> <p>{state.message}</p>
          {state.problem.errors?.length ? <ProblemErrors errors={state.problem.errors} /> : null}
        </div>
      ) : state instanceof Error ? (
        <ErrorBox error={state} />
      ) : null}
      {counts && typeof state === 'object' && !(state instanceof Error) ? (
        <Section title="Result per file" id="bundle-result">
          <p role="status" data-testid="bundle-summary">
            Bundle <code>{state.bundleId}</code> for install <a href={href.install(state.installId)}>{state.installId}</a>: {counts.get('accepted') ?? 0} accepted, {counts.get('duplicate') ?? 0} duplicate,{' '}
            {counts.get('rejected') ?? 0} rejected.
          </p>
          <DataTable<BundleResult['results'][number]>
            caption="Result per query file"
            rows={state.results}
            columns={[
              { key: 'queryType', label: 'Query type', value: (r) => r.queryType },
              { key: 'status', label: 'Result', value: (r) => r.status, render: (r) => <Badge status={r.status} /> },
              { key: 'records', label: 'Records', numeric: true, value: (r) => r.receipt?.recordCount },
              { key: 'uploadId', label: 'Receipt', value: (r) => r.receipt?.uploadId, render: (r) => (r.receipt ? <code>{r.receipt.uploadId}</code> : '—') },
              {
                key: 'problem',
                label: 'Problem',
                value: (r) => r.problem?.detail,
                render: (r) =>
                  r.problem ? (
                    <div>
                      {r.problem.detail}
                      {r.problem.errors?.length ? <ProblemErrors errors={r.problem.errors.slice(0, 10)} /> : null}
                    </div>
                  ) : (
                    '—'
                  ),
              },
            ]}
          />
        </Section>
      ) : null}
    </>
  );
}

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}
