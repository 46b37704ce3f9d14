/**
 * What every probe run in a fresh process shares (memoryProbe.ts, sessionMemoryProbe.ts,
 * fleetProbe.ts): reading its own peak resident set. Kept apart from support.ts so that a probe
 * loads nothing but this.
 */
import { readFileSync } from 'node:fs';

/**
 * This process's peak resident set in bytes. On Linux the high-water mark of its own memory
 * (`VmHWM`): `getrusage`'s maxRSS keeps the parent's at the fork that started this process, so when
 * the benchmark process was larger than this one will ever be (it holds the pipeline figure's
 * bodies), the growth came out as the parent's size, the same for upload and bundle.
 */
export function peakRss(): number {
  try {
    const kB = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kB) return Number(kB) * 1024;
  } catch {
    // Not Linux.
  }
  return process.resourceUsage().maxRSS * 1024;
}
