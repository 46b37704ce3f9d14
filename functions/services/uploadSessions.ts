/**
 * Opening an upload session (POST /v1/upload-sessions): a pending upload-log entry and a
 * presigned PUT of exactly the declared size to `incoming/<uploadId>`. The S3 event of that
 * PUT drives the processor (services/processIncoming.ts), which settles the entry.
 */
import { randomUUID } from 'node:crypto';
import { ProblemError } from '../domain/problems.js';
import { isOptionalQueryType, parseQueryType, type QueryType } from '../domain/queries/queryTypes.js';
import {
  MAX_SESSION_CONTENT_LENGTH,
  PENDING_TTL_SECONDS,
  SESSION_URL_TTL_SECONDS,
  sessionQueryLimits,
} from '../sessions/limits.js';
import { contentTypeOf, incomingKey } from '../sessions/incomingKeys.js';
import type { UploadSessionRequest } from '../sessions/request.js';
import type { Clients } from '../store/clients.js';
import { requireInstall } from '../store/installs.js';
import { presignIncomingPut } from '../store/presignIncomingPut.js';
import { putPendingSession } from '../store/uploadSessions.js';

export interface UploadSession {
  uploadId: string;
  url: string;
  method: 'PUT';
  /** Send exactly these headers with the PUT: they are part of the signature. */
  headers: Record<string, string>;
  /** When the URL stops working. */
  expiresAt: string;
}

export async function createUploadSession(
  c: Clients,
  input: { installId: string; request: UploadSessionRequest; now: Date },
): Promise<UploadSession> {
  const { installId, request, now } = input;
  const encoding = request.kind === 'query' ? (request.contentEncoding ?? 'identity') : 'identity';
  const queryType = request.kind === 'query' ? await checkQueryType(c, installId, request.queryType) : undefined;
  checkContentLength(request.contentLength, request.kind === 'query' && encoding === 'identity');

  const uploadId = randomUUID();
  const urlExpiresAt = new Date(now.getTime() + SESSION_URL_TTL_SECONDS * 1000);
  const created = await putPendingSession(c, {
    uploadId,
    installId,
    kind: request.kind,
    ...(queryType ? { queryType } : {}),
    contentLength: request.contentLength,
    contentEncoding: encoding,
    createdAt: now,
    expiresAt: new Date(now.getTime() + PENDING_TTL_SECONDS * 1000),
  });
  // The key was accepted just before the install was retired or its purge began.
  if (created === 'decommissioned') throw new ProblemError('conflict', 'The install was decommissioned meanwhile: it sends no data until it is reactivated.');
  if (created !== 'created') throw new ProblemError('not_found', 'The install of this key no longer exists.');
  const { url, headers } = await presignIncomingPut(c, incomingKey(uploadId), {
    contentLength: request.contentLength,
    contentType: contentTypeOf(request.kind),
    ...(encoding === 'gzip' ? { contentEncoding: 'gzip' as const } : {}),
    expiresInSeconds: SESSION_URL_TTL_SECONDS,
  });
  return { uploadId, url, method: 'PUT', headers, expiresAt: urlExpiresAt.toISOString() };
}

/** The query type must exist, and an optional one needs usage collection enabled (checked again when processed). */
async function checkQueryType(c: Clients, installId: string, name: string): Promise<QueryType> {
  const queryType = parseQueryType(name);
  if (isOptionalQueryType(queryType) && !(await requireInstall(c, installId)).usageCollectionEnabled) {
    throw new ProblemError('usage_collection_disabled', `Usage data collection is disabled for this install, so no ${queryType} upload session is opened.`);
  }
  return queryType;
}

function checkContentLength(contentLength: number, isInflated: boolean): void {
  const max = isInflated ? sessionQueryLimits.maxInflatedBytes : MAX_SESSION_CONTENT_LENGTH;
  if (contentLength > max) {
    const why = isInflated ? ' for an uncompressed query result (send it gzip-compressed: contentEncoding "gzip")' : '';
    throw new ProblemError('payload_too_large', `contentLength is ${contentLength} bytes; an upload session takes at most ${max} bytes${why}.`);
  }
}
