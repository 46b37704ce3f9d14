/**
 * Sending a query result or a bundle: directly (POST) when it is small, through an upload
 * session (presigned PUT, then polling GET /v1/uploads/{uploadId}) when it is not. Either
 * way the answer is one UploadResult, printed the same way.
 */
import type { Problem } from '../domain/problems.js';
import type { Receipt } from '../domain/receipts.js';
import { DIRECT_BODY_MAX_BYTES } from '../domain/uploadBody.js';
import type { BundleOutcome } from '../services/bundles.js';
import type { UploadSessionRequest } from '../sessions/request.js';
import { type ApiClient, ApiError, putPresigned, type UploadStatus } from './apiClient.js';
import { type Cli, UsageError } from './context.js';
import { formatBundle, formatBytes, formatProblem, formatReceipt } from './output.js';

/** Bodies up to this size are POSTed: the API's limit of a direct body (4 MiB as sent); larger ones go through a session. */
export const DIRECT_LIMIT_BYTES = DIRECT_BODY_MAX_BYTES;

export type Upload = { kind: 'query'; queryType: string; gzipped: Buffer } | { kind: 'bundle'; zip: Buffer };

export interface TransferOptions {
  /** Wait for a session's processing (default); otherwise answer it pending. */
  wait: boolean;
  timeoutMs: number;
  /** Use a session whatever the size. */
  forceSession?: boolean;
}

export interface UploadResult {
  via: 'direct' | 'session';
  uploadId?: string;
  status: 'accepted' | 'duplicate' | 'rejected' | 'pending';
  receipt?: Receipt;
  problem?: Problem;
  bundle?: BundleOutcome;
}

function bodyOf(upload: Upload): Buffer {
  return upload.kind === 'query' ? upload.gzipped : upload.zip;
}

/**
 * Sends the upload: POSTed up to DIRECT_LIMIT_BYTES, else (or when asked) through a session.
 * A POST answered `413` (a proxy or gateway with a smaller limit, or an older service's) is sent
 * again through a session, which takes bodies up to 1 GiB.
 */
export async function transfer(cli: Cli, client: ApiClient, upload: Upload, options: TransferOptions): Promise<UploadResult> {
  const body = bodyOf(upload);
  if (body.length > DIRECT_LIMIT_BYTES || options.forceSession) return viaSession(cli, client, upload, options);
  const sent = await direct(cli, client, upload);
  if (sent.problem?.status !== 413) return sent;
  cli.note(`too large to send directly (${sent.problem.detail}); sending it through an upload session`);
  return viaSession(cli, client, upload, options);
}

async function direct(cli: Cli, client: ApiClient, upload: Upload): Promise<UploadResult> {
  const bar = cli.progress(upload.kind === 'query' ? `uploading ${upload.queryType}` : 'uploading bundle');
  const onProgress = (sent: number, total: number) => bar.update(sent, total);
  try {
    if (upload.kind === 'bundle') return { via: 'direct', status: 'accepted', bundle: await client.postBundle(upload.zip, { onProgress }) };
    const receipt = await client.uploadQuery(upload.queryType, upload.gzipped, { onProgress });
    return { via: 'direct', uploadId: receipt.uploadId, status: receipt.duplicate ? 'duplicate' : 'accepted', receipt };
  } catch (error) {
    if (error instanceof ApiError && error.problem && error.status < 500) return { via: 'direct', status: 'rejected', problem: error.problem };
    throw error;
  } finally {
    bar.finish();
  }
}

async function viaSession(cli: Cli, client: ApiClient, upload: Upload, options: TransferOptions): Promise<UploadResult> {
  const body = bodyOf(upload);
  const request: UploadSessionRequest =
    upload.kind === 'query'
      ? { kind: 'query', queryType: upload.queryType, contentLength: body.length, contentEncoding: 'gzip' }
      : { kind: 'bundle', contentLength: body.length };
  const session = await client.createUploadSession(request);
  cli.note(`upload session ${session.uploadId}: sending ${formatBytes(body.length)}`);
  const bar = cli.progress('uploading');
  try {
    await putPresigned(session, body, { onProgress: (sent, total) => bar.update(sent, total) });
  } finally {
    bar.finish();
  }
  if (!options.wait) return { via: 'session', uploadId: session.uploadId, status: 'pending' };
  cli.note('waiting for the service to process it…');
  return resultOf(await client.waitForUpload(session.uploadId, { timeoutMs: options.timeoutMs }));
}

function resultOf(upload: UploadStatus): UploadResult {
  const result: UploadResult = { via: 'session', uploadId: upload.uploadId, status: upload.status };
  if (upload.receipt) {
    result.receipt = upload.receipt;
    if (upload.receipt.duplicate) result.status = 'duplicate';
  }
  if (upload.problem) result.problem = upload.problem;
  if (upload.bundle) result.bundle = upload.bundle;
  return result;
}

/** Prints the result; a rejection (of the upload, or of any bundle file) sets exit code 1. */
export function report(cli: Cli, result: UploadResult): void {
  const rejected = result.status === 'rejected' || (result.bundle?.results.some((r) => r.status === 'rejected') ?? false);
  if (rejected) cli.exitCode = 1;
  let human: string;
  if (result.bundle) human = formatBundle(result.bundle);
  else if (result.receipt) human = formatReceipt(result.receipt);
  else if (result.problem) human = `rejected${result.uploadId ? ` (upload ${result.uploadId})` : ''}:\n${formatProblem(result.problem, '  ')}`;
  else human = `upload ${result.uploadId} is still pending; see it with GET /v1/uploads/${result.uploadId}`;
  cli.print(human, result);
}

export function parseTimeout(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout takes a number of seconds, not ${value}`);
  return seconds * 1000;
}
