/** inParallel: bounded concurrency, and no item starts after one has failed (as p-map). */
import { inParallel } from '../../functions/services/inParallel.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

it('runs every item, at most `limit` at once', async () => {
  let running = 0;
  let most = 0;
  const seen: number[] = [];
  await inParallel([...Array(20).keys()], 3, async (item, index) => {
    running += 1;
    most = Math.max(most, running);
    await tick();
    seen.push(item);
    expect(index).toBe(item);
    running -= 1;
  });
  expect(seen.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
  expect(most).toBe(3);
});

it('starts no item after the first failure, and rejects with it once the started ones settle', async () => {
  const started: number[] = [];
  let settled = 0;
  const outcome = inParallel([...Array(100).keys()], 4, async (item) => {
    started.push(item);
    await tick();
    if (item === 5) throw new Error('item 5 failed');
    if (item === 6) throw new Error('item 6 failed too');
    await tick();
    settled += 1;
  });
  await expect(outcome).rejects.toThrow('item 5 failed');
  // Items 0-3 start, 4-7 replace them as they finish; nothing after the failure of 5.
  expect(Math.max(...started)).toBeLessThan(9);
  expect(started.length).toBe(settled + 2);
});

it('does nothing for no items', async () => {
  await inParallel([], 4, () => Promise.reject(new Error('never called')));
});

it('hands every item to exactly one worker, undefined items included', async () => {
  const seen: [unknown, number][] = [];
  await inParallel([undefined, 'a', undefined, 'b'], 2, async (item, index) => {
    await tick();
    seen.push([item, index]);
  });
  expect(seen.sort((x, y) => x[1] - y[1])).toEqual([
    [undefined, 0],
    ['a', 1],
    [undefined, 2],
    ['b', 3],
  ]);
});
