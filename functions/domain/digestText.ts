/** The digest as a few lines of text, for the daily e-mail (and the log). */
import type { ExpiringItem } from './reports.js';
import type { OverDeploymentItem } from './digest.js';

export interface DigestContent {
  asOf: string;
  overDeployment: OverDeploymentItem[];
  expiringWithin30Days: ExpiringItem[];
  newlyStale: { installId: string; customerId: string; name: string; lastSeenAt: string | null }[];
}

export function digestText(digest: DigestContent): string {
  const lines = [
    `MPA licensing digest for the day before ${digest.asOf}: ${digest.overDeployment.length} over-deployed, ${digest.expiringWithin30Days.length} expiring, ${digest.newlyStale.length} newly stale.`,
  ];
  for (const o of digest.overDeployment) lines.push(`over-deployed: customer ${o.customerId}${o.installId ? `, install ${o.installId}` : ''}: ${o.item} ${o.used} used of ${o.entitled} (${o.status})`);
  for (const e of digest.expiringWithin30Days) lines.push(`expiring: customer ${e.customerId}, install ${e.installId}: ${e.devices} devices, ${e.containers} containers within 30 days (first ${e.firstUnlicensedOn})`);
  for (const s of digest.newlyStale) lines.push(`stale: customer ${s.customerId}, install ${s.name} (${s.installId}): no upload since ${s.lastSeenAt}`);
  return lines.join('\n');
}
