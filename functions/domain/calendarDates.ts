/** Calendar dates as `YYYY-MM-DD` strings (UTC days), as uploads and reports carry them. */

export function addDays(date: string, days: number): string {
  const time = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(time).toISOString().slice(0, 10);
}
