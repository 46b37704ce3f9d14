/**
 * Captures everything a test's code writes: process.stdout/stderr writes (the Powertools
 * logger writes there), console calls (jest's console does not go through stdout) and any
 * extra lines handed to `line` (e.g. the local server's request log).
 */
import { format } from 'node:util';

export interface Capture {
  /** Add a line from a logger that writes elsewhere. */
  line(text: string): void;
  text(): string;
  restore(): void;
}

type Write = typeof process.stdout.write;
const consoleMethods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

export function captureOutput(): Capture {
  const chunks: string[] = [];
  const record = (value: unknown) => chunks.push(typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : String(value));
  const writes = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((chunk: unknown) => {
    record(chunk);
    return true;
  }) as Write;
  process.stderr.write = ((chunk: unknown) => {
    record(chunk);
    return true;
  }) as Write;
  const saved = consoleMethods.map((m) => [m, console[m]] as const);
  for (const m of consoleMethods) console[m] = (...args: unknown[]) => void record(`${format(...args)}\n`);
  return {
    line: (text) => void record(`${text}\n`),
    text: () => chunks.join(''),
    restore: () => {
      process.stdout.write = writes.out;
      process.stderr.write = writes.err;
      for (const [m, fn] of saved) console[m] = fn as never;
    },
  };
}
