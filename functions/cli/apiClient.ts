/**
 * A small client of the service's HTTP API (DESIGN.md §3) for the CLI: every route a command
 * needs is one method here, so a new command is a few lines on top of it. Answers that are
 * not 2xx become an ApiError carrying the RFC 9457 problem when there is one.
 */
import type { Problem } from '../domain/problems.js';
import type { CustomerLicenseState } from '../domain/customerLicenseState.js';
import type { ComplianceRow, Entitlement } from '../domain/licensing.js';
import type { LicenseFile } from '../domain/licenseFiles.js';
import type { Receipt } from '../domain/receipts.js';
import type { BundleOutcome } from '../services/bundles.js';
import type { UploadSession } from '../services/uploadSessions.js';
import type { UploadSessionRequest } from '../sessions/request.js';
import type { AuditEntry } from '../domain/audit.js';
import type { StaffKey } from '../domain/staffKeys.js';
import type { Digest } from '../services/digest.js';
import type { InstallListItem } from '../domain/directory.js';
import { type HttpAnswer, send } from './http.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    text: string,
  ) {
    super(problem ? `${problem.status} ${problem.code}: ${problem.detail}` : `HTTP ${status}: ${text.slice(0, 300)}`);
    this.name = 'ApiError';
  }
}

export type UploadStatus = {
  uploadId: string;
  status: 'pending' | 'accepted' | 'rejected';
  kind?: 'query' | 'bundle';
  receipt?: Receipt;
  problem?: Problem;
  bundle?: BundleOutcome;
};

export interface Progress {
  onProgress?: (sent: number, total: number) => void;
}

export interface RetryOptions {
  /** Attempts in all (default 5). */
  attempts?: number;
  /** The first back-off; doubled each time, with full jitter (default 500 ms). */
  baseDelayMs?: number;
  /** The longest wait, Retry-After included (default 30 s). */
  maxDelayMs?: number;
}

/** Statuses worth another try: throttled, or the service briefly unavailable. */
const RETRIED_STATUSES = new Set([429, 503]);

/** The wait a Retry-After header asks for (seconds or an HTTP date), if any. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class ApiClient {
  private readonly retry: Required<RetryOptions>;

  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string | undefined,
    retry: RetryOptions = {},
  ) {
    this.retry = { attempts: retry.attempts ?? 5, baseDelayMs: retry.baseDelayMs ?? 500, maxDelayMs: retry.maxDelayMs ?? 30_000 };
  }

  /**
   * One API call; `json` is sent as application/json, `body` as is with the headers given.
   * 429, 503 and network errors are tried again with exponential back-off and full jitter,
   * honouring Retry-After: every route is safe to repeat (an upload again is a duplicate).
   */
  async call<T>(method: string, path: string, options: { json?: unknown; body?: Buffer; headers?: Record<string, string> } & Progress = {}): Promise<T> {
    return parseAnswer<T>(await this.retried(method, path, options));
  }

  /** The answer to a request tried again on 429, 503 and network errors (docs/cli.md), as `call` does, for callers that need its status too. */
  private async retried(method: string, path: string, options: { json?: unknown; body?: Buffer; headers?: Record<string, string> } & Progress): Promise<HttpAnswer> {
    for (let attempt = 1; ; attempt++) {
      let answer: HttpAnswer | undefined;
      let failure: unknown;
      try {
        answer = await this.once(method, path, options);
      } catch (error) {
        failure = error;
      }
      const retriable = answer ? RETRIED_STATUSES.has(answer.status) : isNetworkError(failure);
      if (!retriable || attempt >= this.retry.attempts) {
        if (!answer) throw failure;
        return answer;
      }
      const backoff = Math.random() * Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
      const asked = answer ? retryAfterMs(answer.headers['retry-after']) : undefined;
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.retry.maxDelayMs, Math.max(backoff, asked ?? 0))));
    }
  }

  private async once(method: string, path: string, options: { json?: unknown; body?: Buffer; headers?: Record<string, string> } & Progress): Promise<HttpAnswer> {
    const headers: Record<string, string> = { accept: 'application/json', ...(options.headers ?? {}) };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    let body = options.body;
    if (options.json !== undefined) {
      body = Buffer.from(JSON.stringify(options.json));
      headers['content-type'] = 'application/json';
    }
    const answer = await send(new URL(path, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`), {
      method,
      headers,
      ...(body ? { body } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    return answer;
  }

  // ---- installs (role install) ----

  uploadQuery(queryType: string, gzipped: Buffer, progress: Progress = {}): Promise<Receipt> {
    return this.call('POST', `v1/uploads/${encodeURIComponent(queryType)}`, {
      body: gzipped,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      ...progress,
    });
  }

  postBundle(zip: Buffer, progress: Progress = {}): Promise<BundleOutcome> {
    return this.call('POST', 'v1/bundles', { body: zip, headers: { 'content-type': 'application/zip' }, ...progress });
  }

  createUploadSession(request: UploadSessionRequest): Promise<UploadSession> {
    return this.call('POST', 'v1/upload-sessions', { json: request });
  }

  getUpload(uploadId: string): Promise<UploadStatus> {
    return this.call('GET', `v1/uploads/${encodeURIComponent(uploadId)}`);
  }

  /** Polls the upload until it is no longer pending (or the time is up: then it answers it pending). */
  async waitForUpload(uploadId: string, options: { timeoutMs: number; intervalMs?: number; onWait?: () => void }): Promise<UploadStatus> {
    const deadline = Date.now() + options.timeoutMs;
    let interval = options.intervalMs ?? 250;
    for (;;) {
      const upload = await this.getUpload(uploadId);
      if (upload.status !== 'pending' || Date.now() >= deadline) return upload;
      options.onWait?.();
      await new Promise((resolve) => setTimeout(resolve, Math.min(interval, Math.max(0, deadline - Date.now()))));
      interval = Math.min(interval * 2, 5000);
    }
  }

  setUsageCollection(enabled: boolean): Promise<{ enabled: boolean }> {
    return this.call('PUT', 'v1/usage-collection', { json: { enabled } });
  }

  // ---- staff ----

  createInstall(request: { customerId: string; name: string }): Promise<{ installId: string; customerId: string; name: string; apiKey: string }> {
    return this.call('POST', 'v1/installs', { json: request });
  }

  rotateInstallKey(installId: string): Promise<{ apiKey: string }> {
    return this.call('POST', `v1/installs/${encodeURIComponent(installId)}/keys`);
  }

  getInstall(installId: string): Promise<Record<string, unknown>> {
    return this.call('GET', `v1/installs/${encodeURIComponent(installId)}`);
  }

  customerLicenseState(customerId: string, query: Record<string, string | undefined> = {}): Promise<CustomerLicenseState> {
    return this.call('GET', `v1/customers/${encodeURIComponent(customerId)}/license-state${queryString(query)}`);
  }

  // ---- entitlements and compliance (DESIGN.md §8) ----

  /** Creates or replaces an entitlement; `created` when the answer was 201. */
  async putEntitlement(customerId: string, entitlementId: string, body: unknown): Promise<{ created: boolean; entitlement: Entitlement }> {
    // Tried again on 429 and 503 as every call is: an import sends thousands, one after another, and a PUT may be repeated.
    const answer = await this.retried('PUT', `v1/customers/${encodeURIComponent(customerId)}/entitlements/${encodeURIComponent(entitlementId)}`, { json: body });
    return { created: answer.status === 201, entitlement: parseAnswer<Entitlement>(answer) };
  }

  listEntitlements(customerId: string): Promise<{ items: Entitlement[] }> {
    return this.call('GET', `v1/customers/${encodeURIComponent(customerId)}/entitlements`);
  }

  async deleteEntitlement(customerId: string, entitlementId: string): Promise<void> {
    await this.call('DELETE', `v1/customers/${encodeURIComponent(customerId)}/entitlements/${encodeURIComponent(entitlementId)}`);
  }

  compliance(customerId: string, query: Record<string, string | undefined> = {}): Promise<{ customerId: string; asOf: string; items: ComplianceRow[] }> {
    return this.call('GET', `v1/customers/${encodeURIComponent(customerId)}/compliance${queryString(query)}`);
  }

  /** Issues the install's signed license file (or answers the same one while nothing changed). */
  issueLicenseFile(installId: string, request: { validDays?: number }): Promise<LicenseFile> {
    return this.call('POST', `v1/installs/${encodeURIComponent(installId)}/license-files`, { json: request });
  }

  listCustomers(query: Record<string, string | undefined>): Promise<{ items: { customerId: string; installs: number; lastSeenAt: string | null }[]; nextCursor: string | null }> {
    return this.call('GET', `v1/customers${queryString(query)}`);
  }

  listInstalls(query: Record<string, string | undefined>): Promise<{ items: InstallListItem[]; nextCursor: string | null }> {
    return this.call('GET', `v1/installs${queryString(query)}`);
  }

  patchInstall(installId: string, change: { name?: string; status?: 'active' | 'decommissioned' }): Promise<Record<string, unknown>> {
    return this.call('PATCH', `v1/installs/${encodeURIComponent(installId)}`, { json: change });
  }

  deleteInstall(installId: string): Promise<void> {
    return this.call('DELETE', `v1/installs/${encodeURIComponent(installId)}`);
  }

  listUploads(installId: string, query: Record<string, string | undefined>): Promise<{ items: Receipt[]; nextCursor: string | null }> {
    return this.call('GET', `v1/installs/${encodeURIComponent(installId)}/uploads${queryString(query)}`);
  }

  createStaffKey(request: { name: string; note?: string }): Promise<{ keyId: string; name: string; apiKey: string; createdAt: string; createdBy: string }> {
    return this.call('POST', 'v1/staff-keys', { json: request });
  }

  listStaffKeys(): Promise<{ items: StaffKey[] }> {
    return this.call('GET', 'v1/staff-keys');
  }

  revokeStaffKey(keyId: string): Promise<void> {
    return this.call('DELETE', `v1/staff-keys/${encodeURIComponent(keyId)}`);
  }

  audit(query: Record<string, string | undefined>): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
    return this.call('GET', `v1/audit${queryString(query)}`);
  }

  digest(query: Record<string, string | undefined>): Promise<Digest> {
    return this.call('GET', `v1/reports/digest${queryString(query)}`);
  }

  /** One page of a staff report (`expiring`, `stale`, `duplicate-identifiers`, `versions`). */
  report<T>(name: string, query: Record<string, string | undefined> = {}): Promise<{ items: T[]; nextCursor: string | null }> {
    return this.call('GET', `v1/reports/${name}${queryString(query)}`);
  }
}

function queryString(query: Record<string, string | undefined>): string {
  const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** PUTs a body to a presigned URL with exactly the headers the session signed. */
export async function putPresigned(session: Pick<UploadSession, 'url' | 'headers'>, body: Buffer, progress: Progress = {}): Promise<void> {
  const { 'content-length': _length, ...headers } = session.headers;
  const answer = await send(session.url, { method: 'PUT', headers, body, ...(progress.onProgress ? { onProgress: progress.onProgress } : {}) });
  if (answer.status < 200 || answer.status > 299) throw new ApiError(answer.status, undefined, answer.text);
}

/** A connection that failed or broke (refused, reset, timed out): worth another try. */
function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_SOCKET'].includes(code)
    || /^No answer from /.test((error as Error)?.message ?? '');
}

function parseAnswer<T>(answer: HttpAnswer): T {
  let parsed: unknown;
  try {
    parsed = answer.text === '' ? undefined : JSON.parse(answer.text);
  } catch {
    parsed = undefined;
  }
  if (answer.status >= 200 && answer.status <= 299) return parsed as T;
  throw new ApiError(answer.status, isProblemAnswer(answer, parsed) ? parsed : undefined, answer.text);
}

/**
 * Whether an error answer is a problem: `application/problem+json`, or a problem document sent as
 * `application/json` for its own status. The WAF's 429 is one (lib/constructs/ingestApi.ts): a
 * WAF custom response cannot be `application/problem+json`, and an import must record it on its
 * row rather than stop.
 */
function isProblemAnswer(answer: HttpAnswer, parsed: unknown): parsed is Problem {
  const contentType = String(answer.headers['content-type'] ?? '');
  if (contentType.startsWith('application/problem+json')) return true;
  const body = parsed as Partial<Problem> | undefined;
  return contentType.startsWith('application/json') && typeof body === 'object' && body !== null && body.status === answer.status && typeof body.code === 'string';
}
