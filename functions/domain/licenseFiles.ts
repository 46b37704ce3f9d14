/**
 * Signed license files (DESIGN.md §9), the pure part: which reports an issue needs, what a
 * file acknowledges and grants, its JWS claims, the compact JWS around a signature and the
 * armored text the customer receives. Signing itself is licensing/signer.ts's; storing is
 * store/licenseFiles.ts's. Nothing here reads a clock, a key or the table.
 */
import { createHash } from 'node:crypto';
import { defined } from './defined.js';
import { addDays } from './calendarDates.js';
import type { ComplianceRow, Entitlement } from './licensing.js';
import { ProblemError, type ProblemIssue } from './problems.js';
import { isOptionalQueryType, type QueryType, queryTypes } from './queries/queryTypes.js';

export type { Acknowledgement, LicenseCompliance, LicenseEntitlement, LicenseFile } from './licenseFileTypes.js';
import type { Acknowledgement, LicenseCompliance, LicenseEntitlement } from './licenseFileTypes.js';

/** The public half of an Ed25519 key as a JWK (RFC 8037). */
export interface Ed25519PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
}

/** A key of GET /.well-known/jwks.json. */
export interface PublishedJwk extends Ed25519PublicJwk {
  kid: string;
  use: 'sig';
  alg: 'EdDSA';
}

/** License file ids, like install ids, are UUIDs (lowercase, as randomUUID makes them). */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Issuing needs a snapshot of every required type collected within this many days. */
export const REPORT_WINDOW_DAYS = 30;
/** The next report is due this many days after issue (the claim nextReportDue). */
export const NEXT_REPORT_DAYS = 30;
export const DEFAULT_VALID_DAYS = 365;
export const MAX_VALID_DAYS = 400;
/** KMS signs at most 4,096 bytes of message with MessageType RAW (Ed25519 allows no digest). */
export const MAX_SIGNING_INPUT_BYTES = 4096;

export const LICENSE_ISSUER = 'mpa-licensing';
export const LICENSE_TYPE = 'mpa-license+jwt';
export const ARMOR_BEGIN = '-----BEGIN MPA LICENSE FILE-----';
export const ARMOR_END = '-----END MPA LICENSE FILE-----';
const ARMOR_LINE = 64;

const DAY_MS = 86_400_000;

/** The nine query types an issue requires: the non-optional ones. */
export const requiredQueryTypes: readonly QueryType[] = queryTypes.filter((t) => !isOptionalQueryType(t));

/**
 * One problem entry per required query type without an accepted snapshot collected within
 * REPORT_WINDOW_DAYS before `now` (path `queries.<queryType>`); empty when the file may be issued.
 */
export function missingReports(latest: ReadonlyMap<QueryType, { collectedAt: string }>, now: Date): ProblemIssue[] {
  const since = now.getTime() - REPORT_WINDOW_DAYS * DAY_MS;
  const issues: ProblemIssue[] = [];
  for (const queryType of requiredQueryTypes) {
    const snapshot = latest.get(queryType);
    if (!snapshot) issues.push({ path: `queries.${queryType}`, message: 'no accepted snapshot' });
    else if (Date.parse(snapshot.collectedAt) < since) {
      issues.push({ path: `queries.${queryType}`, message: `the latest snapshot was collected at ${snapshot.collectedAt}, more than ${REPORT_WINDOW_DAYS} days ago` });
    }
  }
  return issues;
}

/** The acknowledged snapshots in query-type order: every required type and the optional ones present. */
export function orderAcknowledgements(acks: readonly Acknowledgement[]): Acknowledgement[] {
  const order = new Map(queryTypes.map((t, i) => [t, i]));
  const rank = (ack: Acknowledgement) => defined(order.get(ack.queryType), `the order of query type ${ack.queryType}`);
  return [...acks].sort((a, b) => rank(a) - rank(b));
}

/** The install's own and its customer's pooled entitlements whose term covers `today`, by entitlementId. */
export function activeEntitlements(all: readonly Entitlement[], installId: string, today: string): LicenseEntitlement[] {
  return all
    .filter((e) => (e.installId === null || e.installId === installId) && e.termStart <= today && (e.termEnd === null || e.termEnd >= today))
    .sort((a, b) => (a.entitlementId < b.entitlementId ? -1 : a.entitlementId > b.entitlementId ? 1 : 0))
    .map(({ entitlementId, item, quantity, termEnd }) => ({ entitlementId, item, quantity, termEnd }));
}

/**
 * The compliance rows that concern the install, one per item: its own scope's row where it has
 * an install-scoped entitlement for the item (then the pool's row is the other installs'), else the pool's.
 */
export function installCompliance(rows: readonly ComplianceRow[], installId: string): LicenseCompliance[] {
  const byItem = new Map<string, ComplianceRow>();
  for (const row of rows) {
    if (row.installId === installId) byItem.set(row.item, row);
    else if (row.installId === null && !byItem.has(row.item)) byItem.set(row.item, row);
  }
  return [...byItem.values()]
    .sort((a, b) => (a.item < b.item ? -1 : a.item > b.item ? 1 : 0))
    .map(({ item, entitled, used, status }) => ({ item, entitled, used, status }));
}

/**
 * What makes two issue requests the same (DESIGN.md §9: same acknowledged snapshots, same
 * entitlements, same validDays), and the key that signs: a new key is a change too.
 */
export function issueFingerprint(parts: { acknowledges: readonly Acknowledgement[]; entitlements: readonly LicenseEntitlement[]; validDays: number; kid: string }): string {
  const canonical = JSON.stringify([
    parts.acknowledges.map((a) => [a.queryType, a.uploadId, a.collectedAt, a.sha256]),
    parts.entitlements.map((e) => [e.entitlementId, e.item, e.quantity, e.termEnd]),
    parts.validDays,
    parts.kid,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

export interface LicenseClaims {
  iss: typeof LICENSE_ISSUER;
  sub: string;
  customerId: string;
  jti: string;
  iat: number;
  nbf: number;
  exp: number;
  entitlements: LicenseEntitlement[];
  acknowledges: Acknowledgement[];
  nextReportDue: string;
}

export interface LicenseTimes {
  issuedAt: string;
  expiresAt: string;
  iat: number;
  exp: number;
  nextReportDue: string;
}

/** Issue and expiry at whole seconds (as the claims carry them), and the next report's due date. */
export function licenseTimes(now: Date, validDays: number): LicenseTimes {
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + validDays * 86_400;
  const issuedAt = new Date(iat * 1000).toISOString();
  return { iat, exp, issuedAt, expiresAt: new Date(exp * 1000).toISOString(), nextReportDue: addDays(issuedAt.slice(0, 10), NEXT_REPORT_DAYS) };
}

export function licenseClaims(input: {
  licenseFileId: string;
  installId: string;
  customerId: string;
  times: LicenseTimes;
  entitlements: LicenseEntitlement[];
  acknowledges: Acknowledgement[];
}): LicenseClaims {
  const { times } = input;
  return {
    iss: LICENSE_ISSUER,
    sub: input.installId,
    customerId: input.customerId,
    jti: input.licenseFileId,
    iat: times.iat,
    nbf: times.iat,
    exp: times.exp,
    entitlements: input.entitlements,
    acknowledges: input.acknowledges,
    nextReportDue: times.nextReportDue,
  };
}

/** The JWS protected header of a license file, exactly these members. */
export function licenseHeader(kid: string): { alg: 'EdDSA'; kid: string; typ: typeof LICENSE_TYPE } {
  return { alg: 'EdDSA', kid, typ: LICENSE_TYPE };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/**
 * The JWS signing input, `base64url(header).base64url(payload)`, as bytes; a file whose input
 * exceeds what KMS signs is refused here, before any key is used (`409 conflict`).
 */
export function signingInput(kid: string, claims: LicenseClaims): Buffer {
  const input = Buffer.from(`${b64(licenseHeader(kid))}.${b64(claims)}`, 'ascii');
  if (input.length > MAX_SIGNING_INPUT_BYTES) {
    throw new ProblemError(
      'conflict',
      `The license file would be too large to sign: its JWS signing input is ${input.length} bytes, the signing key's limit (KMS, Ed25519) is ${MAX_SIGNING_INPUT_BYTES}. ` +
        `It grants ${claims.entitlements.length} entitlements and acknowledges ${claims.acknowledges.length} snapshots; fewer or consolidated entitlements fit.`,
    );
  }
  return input;
}

/** The compact serialization: the signing input and the base64url signature. */
export function compactJws(input: Buffer, signature: Uint8Array): string {
  return `${input.toString('ascii')}.${Buffer.from(signature).toString('base64url')}`;
}

/** The text the customer receives: the compact JWS in lines of 64 characters between armor lines. */
export function armor(jws: string): string {
  const lines: string[] = [];
  for (let i = 0; i < jws.length; i += ARMOR_LINE) lines.push(jws.slice(i, i + ARMOR_LINE));
  return `${ARMOR_BEGIN}\n${lines.join('\n')}\n${ARMOR_END}\n`;
}

/** The compact JWS inside a license file's text (whitespace and line endings tolerated); undefined when there is no armor. */
export function unarmor(text: string): string | undefined {
  const begin = text.indexOf(ARMOR_BEGIN);
  const end = text.indexOf(ARMOR_END);
  if (begin === -1 || end === -1 || end < begin) return undefined;
  return text.slice(begin + ARMOR_BEGIN.length, end).replace(/\s+/g, '');
}

/** The published form of a public key. */
export function publishedJwk(publicJwk: Ed25519PublicJwk, kid: string): PublishedJwk {
  return { kty: 'OKP', crv: 'Ed25519', x: publicJwk.x, kid, use: 'sig', alg: 'EdDSA' };
}

/** `now` as a date (YYYY-MM-DD, UTC). */
export const dateOf = (now: Date) => now.toISOString().slice(0, 10);
