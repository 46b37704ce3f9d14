/**
 * The soak: N installs × M uploads against a running service, then a reconciliation of what
 * the clients were told (receipts) with what is stored (raw objects in S3, the upload log,
 * snapshots and current summaries in DynamoDB) and with what staff see through the API.
 *
 * Each install uploads one after another, as an MPA install does; installs run in parallel
 * (bounded). The mix: new snapshots of all twelve query types (gzip and plain, some older
 * than the current one), exact repeats, conflicting content for an existing snapshot, and
 * two copies of a new snapshot sent at once (identical, or conflicting). The client retries
 * network errors, 5xx and 429 (honouring Retry-After), as a real one would.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { defined } from '../../functions/domain/defined.js';
import { type QueryType, queryTypes } from '../../functions/domain/queries/index.js';
import type { Receipt } from '../../functions/domain/receipts.js';
import { validateUpload } from '../../functions/domain/validateUpload.js';
import { random, sampleUpload } from '../../functions/samples/sampleUploads.js';
import type { Clients } from '../../functions/store/clients.js';
import { combine, type Reconciliation, reconcileInstall } from './reconcile.js';
import { listRawKeys } from '../../functions/store/rawArchive.js';
import { archivedSha256, installOfRawKey, missingForReceipt, readInstallState } from './storedState.js';
import { inParallel } from '../../functions/services/inParallel.js';
import { sleep } from '../../functions/store/dynamo.js';

export interface SoakOptions {
  url: string;
  staffKey: string;
  /** Storage, read directly for the reconciliation. */
  clients: Clients;
  installs: number;
  uploadsPerInstall: number;
  concurrency: number;
  /** Stop sending new uploads at this time (epoch ms); what was sent is still reconciled. */
  deadline: number;
  /** Check each receipt's raw object and log entry the moment it is given. */
  checkEachReceipt?: boolean;
  seed?: string;
  log?: (line: string) => void;
}

export interface SoakResult {
  /** Answers 201 (a new snapshot). */
  accepted: number;
  /** Answers 200 (a snapshot already accepted). */
  duplicates: number;
  /** Answers 409 (other content for an accepted snapshot). */
  conflicts: number;
  /** Acknowledged snapshots missing from storage or the API's answers. */
  lost: number;
  /** Snapshots stored or shown more than once, or shown without a receipt. */
  doubleCounted: number;
  /** Raw objects no log entry refers to (invisible; reported, not counted as loss). */
  orphans: number;
  /** Answers other than 200/201/409 after retries, and requests that never got one. */
  unexpected: number;
  /** Requests sent again (a network error, 5xx or 429); a fault-free run needs none. */
  retries: number;
  /** Pairs of identical copies sent at once with the same encoding: they race on one raw key. */
  sameKeyTwins: number;
  /** Retries by cause: a status code, or 'network'. */
  retryReasons: Record<string, number>;
  uploadsSent: number;
  uploadsPlanned: number;
  timedOut: boolean;
  details: string[];
}

interface Upload {
  queryType: QueryType;
  json: Buffer;
  gzip: boolean;
}

export type Step = { kind: 'one'; upload: Upload } | { kind: 'together'; uploads: [Upload, Upload] };

const collectedAtMinutesAgo = (start: number, minutes: number) => `${new Date(start - minutes * 60_000).toISOString().slice(0, 19)}Z`;

function envelope(queryType: QueryType, collectedAt: string, seed: string, devices: number): Buffer {
  return Buffer.from(JSON.stringify(sampleUpload(queryType, { devices, collectedAt, seed })));
}

/** Two identical copies sent at once with the same encoding (the same bytes, so the same raw key). */
export function isSameKeyTwin(step: Step): boolean {
  return step.kind === 'together' && step.uploads[0].gzip === step.uploads[1].gzip && step.uploads[0].json.equals(step.uploads[1].json);
}

/** The uploads of one install: `count` sends in all, every query type among them. */
export function planInstall(index: number, count: number, start: number, seed: string): Step[] {
  const rand = random(`${seed}:${index}`);
  const steps: Step[] = [];
  const sent: { queryType: QueryType; collectedAt: string; json: Buffer }[] = [];
  let sends = 0;
  for (let i = 0; sends < count; i++) {
    const roll = rand();
    const earlier = sent.length > 0 ? sent[Math.floor(rand() * sent.length)] : undefined;
    const gzip = rand() < 0.5;
    if (earlier && roll < 0.15) {
      steps.push({ kind: 'one', upload: { queryType: earlier.queryType, json: earlier.json, gzip } });
      sends += 1;
    } else if (earlier && roll < 0.25) {
      const other = envelope(earlier.queryType, earlier.collectedAt, `${seed}:${index}:${i}:conflict`, 3 + Math.floor(rand() * 30));
      steps.push({ kind: 'one', upload: { queryType: earlier.queryType, json: other, gzip } });
      sends += 1;
    } else {
      const queryType = defined(queryTypes[(i + index) % queryTypes.length], 'a query type');
      // Mostly newer than what came before; now and then an older snapshot arriving late.
      const minutes = rand() < 0.2 ? 600 + Math.floor(rand() * 6000) : Math.max(1, 600 - i * 7) + Math.floor(rand() * 5);
      const collectedAt = collectedAtMinutesAgo(start, minutes);
      if (sent.some((s) => s.queryType === queryType && s.collectedAt === collectedAt)) continue;
      const json = envelope(queryType, collectedAt, `${seed}:${index}:${i}`, 3 + Math.floor(rand() * 40));
      sent.push({ queryType, collectedAt, json });
      if (count - sends >= 2 && roll > 0.93) {
        // Two copies at once: identical, or the second with other content. Identical copies are
        // sent with the same encoding half of the time, so that both archive under one key and
        // race on it (S3's 409 while the other's conditional write is in flight), and otherwise
        // one gzip and one plain (two keys, the loser deletes its own).
        const conflicting = roll > 0.965;
        const twin = conflicting ? envelope(queryType, collectedAt, `${seed}:${index}:${i}:twin`, 5) : json;
        const sameKey = !conflicting && rand() < 0.5;
        steps.push({ kind: 'together', uploads: [{ queryType, json, gzip }, { queryType, json: twin, gzip: sameKey ? gzip : !gzip }] });
        sends += 2;
      } else {
        steps.push({ kind: 'one', upload: { queryType, json, gzip } });
        sends += 1;
      }
    }
  }
  return steps;
}

interface Answer {
  status: number;
  /** The parsed JSON: its shape is the one its status promises (the caller checks the status). */
  body: unknown;
}

/** A client that retries what a real one retries: network errors, 5xx and 429. */
class Client {
  retries = 0;
  /** Why requests were retried: status codes, or 'network'. */
  readonly retryReasons = new Map<string, number>();
  constructor(private readonly url: string) {}

  async request(method: string, path: string, key: string, body?: { bytes: Buffer; headers: Record<string, string> }): Promise<Answer> {
    let lastError = '';
    for (let attempt = 0; attempt < 8; attempt++) {
      if (attempt > 0) this.retries += 1;
      try {
        const response = await fetch(this.url + path, {
          method,
          headers: { authorization: `Bearer ${key}`, ...(body?.headers ?? {}) },
          ...(body ? { body: body.bytes } : {}),
          signal: AbortSignal.timeout(60_000),
        });
        const text = await response.text();
        if (response.status === 429 || response.status >= 500) {
          lastError = `${response.status} ${text.slice(0, 200)}`;
          this.retryReasons.set(String(response.status), (this.retryReasons.get(String(response.status)) ?? 0) + 1);
          const retryAfter = Number(response.headers.get('retry-after'));
          await sleep(response.status === 429 && retryAfter > 0 ? retryAfter * 1000 : Math.min(2000, 50 * 2 ** attempt));
          continue;
        }
        return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
      } catch (error) {
        lastError = (error as Error).message;
        this.retryReasons.set('network', (this.retryReasons.get('network') ?? 0) + 1);
        await sleep(Math.min(2000, 50 * 2 ** attempt));
      }
    }
    return { status: 0, body: { error: lastError } };
  }
}

interface InstallRun {
  installId: string;
  apiKey: string;
  receipts: Receipt[];
  /** The JSON of each acknowledged upload id, for the summary check. */
  bodies: Map<string, { queryType: QueryType; json: Buffer }>;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => undefined);
  const seed = options.seed ?? 'soak';
  const client = new Client(options.url);
  const counts = { accepted: 0, duplicates: 0, conflicts: 0, unexpected: 0, sent: 0 };
  const details: string[] = [];
  const notDurable: string[] = [];
  const start = Date.now();

  // Register the installs (staff).
  const runs: InstallRun[] = [];
  await inParallel(Array.from({ length: options.installs }, (_, i) => i), options.concurrency, async (i) => {
    const created = await client.request('POST', '/v1/installs', options.staffKey, {
      bytes: Buffer.from(JSON.stringify({ customerId: `soak-${seed}-${i % 10}`, name: `Soak install ${i}` })),
      headers: { 'content-type': 'application/json' },
    });
    if (created.status !== 201) throw new Error(`registering install ${i}: ${created.status} ${JSON.stringify(created.body)}`);
    const { installId, apiKey } = created.body as { installId: string; apiKey: string };
    runs[i] = { installId, apiKey, receipts: [], bodies: new Map() };
  });

  const plans = runs.map((_, i) => planInstall(i, options.uploadsPerInstall, start, seed));
  const sameKeyTwins = plans.reduce((n, steps) => n + steps.filter(isSameKeyTwin).length, 0);
  const planned = plans.reduce((n, steps) => n + steps.reduce((m, s) => m + (s.kind === 'one' ? 1 : 2), 0), 0);
  let timedOut = false;
  const progress = setInterval(() => log(`soak: ${counts.sent}/${planned} uploads sent (${Math.round((Date.now() - start) / 1000)} s)`), 10_000);

  const send = async (run: InstallRun, upload: Upload) => {
    const bytes = upload.gzip ? gzipSync(upload.json) : upload.json;
    const answer = await client.request('POST', `/v1/uploads/${upload.queryType}`, run.apiKey, {
      bytes,
      headers: { 'content-type': 'application/json', ...(upload.gzip ? { 'content-encoding': 'gzip' } : {}) },
    });
    counts.sent += 1;
    if (answer.status === 201 || answer.status === 200) {
      const receipt = answer.body as Receipt;
      if (answer.status === 201) counts.accepted += 1;
      else counts.duplicates += 1;
      run.receipts.push(receipt);
      if (!run.bodies.has(receipt.uploadId) && receipt.sha256 === createHash('sha256').update(upload.json).digest('hex')) {
        run.bodies.set(receipt.uploadId, { queryType: upload.queryType, json: upload.json });
      }
      if (options.checkEachReceipt) {
        const missing = await missingForReceipt(options.clients, receipt);
        if (missing.length > 0) notDurable.push(`receipt ${receipt.uploadId} given before its data was durable: ${missing.join(', ')}`);
      }
    } else if (answer.status === 409) {
      counts.conflicts += 1;
    } else {
      counts.unexpected += 1;
      details.push(`install ${run.installId}: ${upload.queryType} answered ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
    }
  };

  try {
    await inParallel(runs, options.concurrency, async (run, i) => {
      for (const step of defined(plans[i], `the plan of install ${i}`)) {
        if (Date.now() >= options.deadline) {
          timedOut = true;
          return;
        }
        if (step.kind === 'one') await send(run, step.upload);
        else await Promise.all(step.uploads.map((u) => send(run, u)));
      }
    });
  } finally {
    clearInterval(progress);
  }
  log(`soak: ${counts.sent} uploads sent in ${Math.round((Date.now() - start) / 1000)} s; reconciling`);

  const reconciled = await reconcile(options, client, runs);
  const lost = [...notDurable, ...reconciled.lost];
  return {
    accepted: counts.accepted,
    duplicates: counts.duplicates,
    conflicts: counts.conflicts,
    lost: lost.length,
    doubleCounted: reconciled.doubleCounted.length,
    orphans: reconciled.orphans.length,
    unexpected: counts.unexpected,
    retries: client.retries,
    sameKeyTwins,
    retryReasons: Object.fromEntries(client.retryReasons),
    uploadsSent: counts.sent,
    uploadsPlanned: planned,
    timedOut,
    details: [...details, ...lost, ...reconciled.doubleCounted],
  };
}

/** Receipts ↔ S3 objects ↔ upload log ↔ snapshots ↔ current summaries, and the API's view of them. */
async function reconcile(options: SoakOptions, client: Client, runs: InstallRun[]): Promise<Reconciliation> {
  const c = options.clients;
  const ours = new Set(runs.map((r) => r.installId));
  const rawByInstall = new Map<string, string[]>();
  for (const key of await listRawKeys(c, 'raw/')) {
    const installId = installOfRawKey(key);
    if (!installId || !ours.has(installId)) continue;
    const keys = rawByInstall.get(installId);
    if (keys) keys.push(key);
    else rawByInstall.set(installId, [key]);
  }
  const summaryOf = (run: InstallRun) => (uploadId: string) => {
    const body = run.bodies.get(uploadId);
    return body ? validateUpload(body.queryType, JSON.parse(body.json.toString('utf8')), { now: new Date() }).summary : undefined;
  };
  const results: Reconciliation[] = [];
  await inParallel(runs, options.concurrency, async (run) => {
    const state = await readInstallState(c, run.installId, rawByInstall.get(run.installId) ?? []);
    const { archived, ...result } = reconcileInstall(run.receipts, state, summaryOf(run));
    // Each acknowledged snapshot's archived object (a missing one is reported above) holds the JSON its receipt hashed.
    for (const { receipt, key } of archived) {
      const sha256 = await archivedSha256(c, key);
      if (sha256 !== receipt.sha256) result.lost.push(`install ${run.installId}: raw object ${key} holds ${sha256.slice(0, 80)}, not the sha256 of upload ${receipt.uploadId}`);
    }
    // What staff see must be what is stored.
    const shown = await client.request('GET', `/v1/installs/${run.installId}`, options.staffKey);
    const latest = new Map(state.latest.map((l) => [l.queryType, l]));
    const shownQueries = (shown.body as { queries?: Record<string, { uploadId: string; summary: unknown }> } | undefined)?.queries ?? {};
    for (const [queryType, query] of Object.entries(shownQueries)) {
      const stored = latest.get(queryType as QueryType);
      if (!stored || stored.uploadId !== query.uploadId || JSON.stringify(stored.summary) !== JSON.stringify(query.summary)) {
        result.lost.push(`install ${run.installId}: GET /v1/installs shows ${queryType} upload ${query.uploadId}, storage has ${stored?.uploadId ?? 'none'}`);
      }
    }
    if (Object.keys(shownQueries).length !== state.latest.length) result.lost.push(`install ${run.installId}: GET /v1/installs shows another number of query types than are stored`);
    const listed = await client.request('GET', `/v1/installs/${run.installId}/uploads?limit=1000`, options.staffKey);
    const listedIds = new Set(((listed.body as { items?: Receipt[] } | undefined)?.items ?? []).map((r) => r.uploadId));
    const acknowledgedIds = new Set(run.receipts.map((r) => r.uploadId));
    for (const id of acknowledgedIds) if (!listedIds.has(id)) result.lost.push(`install ${run.installId}: upload ${id} is not in its listing`);
    for (const id of listedIds) if (!acknowledgedIds.has(id)) result.doubleCounted.push(`install ${run.installId}: the listing shows upload ${id}, which no client was given`);
    results.push(result);
  });
  return combine(results);
}

/** The closing line: the soak's verdict. */
export function resultLine(result: SoakResult): string {
  return `accepted ${result.accepted}, duplicates ${result.duplicates}, lost ${result.lost}, double-counted ${result.doubleCounted}`;
}
