/**
 * Work over many items with a bounded number in flight (fleet index syncs, the soak). Like
 * p-map, the first failure ends the work: no new item starts once one has failed, so a fleet
 * sync that has failed (and answered Lambda) does not go on writing behind its answer.
 */

/**
 * Runs `work` on every item, at most `limit` at a time; `index` is the item's position.
 * Rejects with the first error once the items already started have settled; none starts after it.
 */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let failed = false;
  let firstError: unknown;
  // One iterator shared by the workers: each takes the next item.
  const queue = items.entries();
  const worker = async () => {
    for (const [i, item] of queue) {
      if (failed) return;
      try {
        await work(item, i);
      } catch (error) {
        if (!failed) firstError = error;
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed) throw firstError;
}
