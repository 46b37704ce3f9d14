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

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string | undefined,
  ) {}

  /** One API call; `json` is sent as application/json, `body` as is with the headers given. */
  async call<T>(method: string, path: string, options: { json?: unknown; body?: Buffer; headers?: Record<string, string> } & Progress = {}): Promise<T> {
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
    return parseAnswer<T>(answer);
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
    const url = new URL(`v1/customers/${encodeURIComponent(customerId)}/entitlements/${encodeURIComponent(entitlementId)}`, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json' };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    const answer = await send(url, { method: 'PUT', headers, body: Buffer.from(JSON.stringify(body)) });
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

function parseAnswer<T>(answer: HttpAnswer): T {
  let parsed: unknown;
  try {
    parsed = answer.text === '' ? undefined : JSON.parse(answer.text);
  } catch {
    parsed = undefined;
  }
  if (answer.status >= 200 && answer.status <= 299) return parsed as T;
  const isProblem = String(answer.headers['content-type'] ?? '').startsWith('application/problem+json');
  throw new ApiError(answer.status, isProblem ? (parsed as Problem) : undefined, answer.text);
}
