/** Times relative to now, as uploads state them. */

/** collectedAt a given number of minutes ago, to the second. */
export function minutesAgo(minutes: number): string {
  return `${new Date(Date.now() - minutes * 60_000).toISOString().slice(0, 19)}Z`;
}
