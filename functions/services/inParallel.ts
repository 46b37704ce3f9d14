/** Work over many items with a bounded number in flight (fleet index syncs, the soak). */

/** Runs `work` on every item, at most `limit` at a time; `index` is the item's position. */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await work(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
