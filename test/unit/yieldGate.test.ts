/**
 * The local fleet syncs' gate (functions/local/yieldGate.ts): their storage requests pass at
 * once while the server is idle, wait while it serves requests and for a quiet time after, and
 * never wait longer than the gate's bound, so that a steady stream of requests cannot starve them.
 */
import { YieldGate } from '../../functions/local/yieldGate.js';

const settledWithin = async (promise: Promise<void>, ms: number) =>
  Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

describe('YieldGate', () => {
  it('lets requests pass at once while the server is idle', async () => {
    const gate = new YieldGate(10_000);
    expect(await settledWithin(gate.pass(), 5)).toBe(true);
    gate.setBusy(true);
    gate.setBusy(false);
    expect(await settledWithin(gate.pass(), 5)).toBe(true);
  });

  it('holds requests while the server is busy, and lets every one go when it is idle again', async () => {
    const gate = new YieldGate(10_000);
    gate.setBusy(true);
    const held = [gate.pass(), gate.pass(), gate.pass()];
    expect(await settledWithin(Promise.race(held), 30)).toBe(false);
    gate.setBusy(false);
    expect(await settledWithin(Promise.all(held).then(() => undefined), 5)).toBe(true);
  });

  it('holds a request no longer than its bound while the server stays busy', async () => {
    const gate = new YieldGate(40);
    gate.setBusy(true);
    const started = performance.now();
    await gate.pass();
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
    // Released by its bound, then by the server: neither resolves it twice or leaves it waiting.
    gate.setBusy(false);
    expect(await settledWithin(gate.pass(), 5)).toBe(true);
  });

  it('opens only once the server has stayed idle for the quiet time', async () => {
    const gate = new YieldGate(10_000, 40);
    gate.setBusy(true);
    const held = gate.pass();
    gate.setBusy(false);
    // The next request within the quiet time: still held, and the quiet time starts again after it.
    expect(await settledWithin(held, 20)).toBe(false);
    gate.setBusy(true);
    expect(await settledWithin(held, 40)).toBe(false);
    gate.setBusy(false);
    const idleSince = performance.now();
    await held;
    expect(performance.now() - idleSince).toBeGreaterThanOrEqual(35);
    expect(await settledWithin(gate.pass(), 5)).toBe(true);
  });

  it('bounds the wait also while the quiet time runs', async () => {
    const gate = new YieldGate(30, 10_000);
    gate.setBusy(true);
    gate.setBusy(false);
    expect(await settledWithin(gate.pass(), 100)).toBe(true);
    // Busy again ends the quiet time (and its timer).
    gate.setBusy(true);
  });
});
