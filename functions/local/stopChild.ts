/**
 * Stopping an emulator's child process the one way every emulator needs: SIGTERM so that it
 * closes cleanly (its files consistent for the next start), SIGKILL if it has not exited within
 * a grace period, and nothing at all if it is gone already.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** How long a child has to exit after SIGTERM before it is killed. */
const STOP_GRACE_MS = 5000;

/** Stops `child` (SIGTERM, then SIGKILL after STOP_GRACE_MS) and waits for it to exit. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
