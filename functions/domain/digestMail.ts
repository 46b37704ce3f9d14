/**
 * The daily digest as an e-mail a person reads (DESIGN.md §11): a short subject with the
 * counts, and a plain-text body with one line per finding, install names where known, and a
 * sentence when the day brought nothing. Pure: publishDigest.ts sends it through SNS, whose
 * e-mail subscriptions deliver subject and text as they are. Sections are capped in lines and
 * in bytes (MAX_LINES_PER_SECTION, MAX_SECTION_BYTES), so the message stays below SNS's 256 KiB
 * whatever the ids and names hold.
 */
import type { OverDeploymentItem } from './digest.js';
import { STALE_DAYS } from './digest.js';
import type { ExpiringItem } from './reports.js';

export interface DigestContent {
  asOf: string;
  overDeployment: readonly OverDeploymentItem[];
  expiringWithin30Days: readonly ExpiringItem[];
  newlyStale: readonly { installId: string; customerId: string; name: string; lastSeenAt: string | null }[];
}

export interface DigestMail {
  /** At most 100 printable ASCII characters, no line breaks (SNS's limits for an e-mail subject). */
  subject: string;
  body: string;
}

/** Lines per section before "… and N more": the whole list stays in GET /v1/reports/digest. */
export const MAX_LINES_PER_SECTION = 200;

/** UTF-8 bytes of a section's lines: three sections and the frame stay under SNS's 262,144. */
export const MAX_SECTION_BYTES = 64 * 1024;

const statusWords: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
  over: 'over',
  over_past_grace: 'over, past its grace period',
});

/** `2026-12-07T06:00:00.000Z` as `2026-12-07 06:00 UTC`. */
function readableInstant(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * The subject and body of the digest e-mail. `installNames` maps install ids to their names
 * (those of the stale installs are in the digest already); an install without one is named by id.
 */
export function digestMail(digest: DigestContent, installNames: ReadonlyMap<string, string> = new Map()): DigestMail {
  const names = new Map(installNames);
  for (const s of digest.newlyStale) names.set(s.installId, s.name);
  const install = (installId: string) => {
    const name = names.get(installId);
    return name === undefined ? `install ${installId}` : `install "${name}" (${installId})`;
  };
  const over = digest.overDeployment.length;
  const expiring = digest.expiringWithin30Days.length;
  const stale = digest.newlyStale.length;
  const day = digest.asOf.slice(0, 10);
  const subject = `MPA licensing digest ${day}: ${over} over, ${expiring} expiring, ${stale} stale`.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);

  const lines = [`MPA licensing daily digest: what changed for the worse in the day before ${readableInstant(digest.asOf)}.`, ''];
  if (over + expiring + stale === 0) {
    lines.push('Nothing changed for the worse: no entitlement was exceeded, no license came within 30 days of its end, and no install fell silent.');
  }
  section(lines, `Over their entitlement (${over})`, digest.overDeployment, (o) => {
    const scope = o.installId === null ? 'the pooled installs' : install(o.installId);
    const since = o.overSince === null ? '' : ` since ${o.overSince}`;
    return `Customer ${o.customerId}, ${scope}: ${o.item}: ${o.used} used of ${o.entitled} entitled (peak ${o.peak}), ${statusWords[o.status] ?? o.status}${since}`;
  });
  section(lines, `Licenses ending within 30 days (${expiring})`, digest.expiringWithin30Days, (e) => {
    return `Customer ${e.customerId}, ${install(e.installId)}: ${e.devices} device${e.devices === 1 ? '' : 's'} and ${e.containers} container${e.containers === 1 ? '' : 's'} came within 30 days; the first ends on ${e.firstUnlicensedOn}`;
  });
  section(lines, `Silent for ${STALE_DAYS} days (${stale})`, digest.newlyStale, (s) => {
    return `Customer ${s.customerId}, ${install(s.installId)}: last upload ${s.lastSeenAt === null ? 'never' : readableInstant(s.lastSeenAt)}`;
  });
  if (lines.at(-1) !== '') lines.push('');
  lines.push('--', `The same as JSON: GET /v1/reports/digest?asOf=${digest.asOf} (npx mpa-licensing reports digest --as-of ${digest.asOf}).`);
  return { subject, body: `${lines.join('\n')}\n` };
}

function section<T>(lines: string[], heading: string, items: readonly T[], line: (item: T) => string): void {
  if (items.length === 0) return;
  lines.push(heading);
  let shown = 0;
  let bytes = 0;
  for (const item of items.slice(0, MAX_LINES_PER_SECTION)) {
    const text = `  - ${line(item)}`;
    bytes += Buffer.byteLength(text) + 1;
    if (bytes > MAX_SECTION_BYTES) break;
    lines.push(text);
    shown++;
  }
  if (items.length > shown) lines.push(`  … and ${items.length - shown} more`);
  lines.push('');
}
