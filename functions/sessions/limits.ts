/**
 * Limits of upload sessions (DESIGN.md §3: "upload sessions: at most 1 GiB").
 *
 * A query body may be sent gzip-compressed up to 1 GiB, but it is parsed as one JSON text,
 * and V8 strings end just short of 512 Mi characters (2^29 - 24); so a query session inflates
 * to at most 500 MiB (an identity-encoded query session may declare at most that much). A million
 * records, the most one upload may hold, are about 200 MB of JSON.
 */
import { type BodyLimits, MiB } from '../domain/uploadBody.js';

export const MAX_SESSION_CONTENT_LENGTH = 1024 * MiB;

/** Query sessions: 1 GiB as sent, 500 MiB inflated. */
export const sessionQueryLimits: BodyLimits = { maxSentBytes: MAX_SESSION_CONTENT_LENGTH, maxInflatedBytes: 500 * MiB };

/** Presigned PUT URLs expire after this many seconds. */
export const SESSION_URL_TTL_SECONDS = 15 * 60;

/** A pending session's log item is removed by DynamoDB TTL this long after it was created. */
export const PENDING_TTL_SECONDS = 24 * 60 * 60;

/** A rejected session's log item (with its problem) is kept this long for GET /v1/uploads/{uploadId}. */
export const REJECTED_TTL_SECONDS = 7 * 24 * 60 * 60;
