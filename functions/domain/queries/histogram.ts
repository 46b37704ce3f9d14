/** Bounded histograms for summaries: a summary's size never grows with the record count. */

/** At most this many distinct keys are kept; the rest are counted under OTHER_KEY. */
export const MAX_HISTOGRAM_KEYS = 500;
export const OTHER_KEY = '(other)';

/**
 * Sums `amountOf(record)` (default 1) per `keyOf(record)`. Keys beyond MAX_HISTOGRAM_KEYS
 * are folded into OTHER_KEY. Keys come out sorted, so equal inputs give equal summaries.
 */
export function histogramOf<R>(
  records: readonly R[],
  keyOf: (record: R) => string,
  amountOf: (record: R) => number = () => 1,
): Record<string, number> {
  const sums = new Map<string, number>();
  for (const record of records) {
    let key = keyOf(record);
    if (!sums.has(key) && sums.size >= MAX_HISTOGRAM_KEYS - 1) key = OTHER_KEY;
    sums.set(key, (sums.get(key) ?? 0) + amountOf(record));
  }
  return Object.fromEntries([...sums].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
