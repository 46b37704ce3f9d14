/**
 * Runs the CLI in-process as a person would from a shell, against a test server: its output and
 * exit code captured, and its JSON parsed when it printed JSON. Shared by the CLI test files.
 */
import { runCli } from '../../functions/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON, when it is JSON (`--json`). */
  json: any;
}

/** `mpa-licensing <args>` with MPA_URL `url`, the environment `env` and an optional confirmation answer. */
export async function runCliAt(url: string, args: string[], options: { env?: Record<string, string>; confirm?: boolean } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    env: { MPA_URL: url, ...(options.env ?? {}) },
    ...(options.confirm !== undefined ? { confirm: async () => options.confirm! } : {}),
  });
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    json = undefined;
  }
  return { code, stdout, stderr, json };
}
