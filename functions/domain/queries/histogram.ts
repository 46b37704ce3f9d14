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
  /**
   * A run of one key (exports list a device type's devices in a row), summed here and added to
   * `sums` when another key comes or the sums are read: a comparison instead of a map's lookup
   * and update per record. Where a key goes (its own sum, or OTHER_KEY) is decided when its run
   * is added, as it would have been at the run's first record: no other key is added to `sums`
   * in between. The sums are the same while they are exact (safe integers).
   */
  private runKey: string | undefined;
  private runAmount = 0;

  add(key: string, amount = 1): void {
    if (key === this.runKey) {
      this.runAmount += amount;
      return;
    }
    this.endRun();
    this.runKey = key;
    this.runAmount = amount;
  }

  /** The sums, keys sorted, so equal inputs give equal summaries. */
  sorted(): Record<string, number> {
    this.endRun();
    return Object.fromEntries([...this.sums].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  private endRun(): void {
    const key = this.runKey;
    if (key === undefined) return;
    this.runKey = undefined;
    const sum = this.sums.get(key);
    if (sum === undefined && this.sums.size >= MAX_HISTOGRAM_KEYS - 1) this.sums.set(OTHER_KEY, (this.sums.get(OTHER_KEY) ?? 0) + this.runAmount);
    else this.sums.set(key, (sum ?? 0) + this.runAmount);
  }
}
