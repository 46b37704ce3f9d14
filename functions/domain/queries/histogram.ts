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
  const histogram = new Histogram();
  for (const record of records) histogram.add(keyOf(record), amountOf(record));
  return histogram.sorted();
}

/** A histogram filled one key at a time (a summarizer counting several things in one pass), bounded as histogramOf's. */
export class Histogram {
  private readonly sums = new Map<string, number>();

  add(key: string, amount = 1): void {
    const sum = this.sums.get(key);
    if (sum === undefined && this.sums.size >= MAX_HISTOGRAM_KEYS - 1) this.sums.set(OTHER_KEY, (this.sums.get(OTHER_KEY) ?? 0) + amount);
    else this.sums.set(key, (sum ?? 0) + amount);
  }

  /** The sums, keys sorted, so equal inputs give equal summaries. */
  sorted(): Record<string, number> {
    return Object.fromEntries([...this.sums].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
