/**
 * What every CLI command shares: where output goes, the global options (--url, --key,
 * --json, with MPA_URL / MPA_API_KEY from the environment), the API client, and how
 * failures become messages and exit codes (0 ok, 1 refused or failed, 2 wrong usage).
 */
import type { Command } from 'commander';
import { ApiClient, ApiError } from './apiClient.js';
import { formatProblem } from './output.js';
import { type ProgressBar, progressBar } from './progress.js';
import { shownLines, terminalJson } from './terminalText.js';
import { type Column, renderCsv, renderTable } from './tables.js';

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  /** Asks a yes/no question on a terminal; absent when there is none to ask on. */
  confirm?: (question: string) => Promise<boolean>;
}

export const processIo = (): CliIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  ...(process.stdin.isTTY ? { confirm: askOnTerminal } : {}),
});

async function askOnTerminal(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await terminal.question(`${question} [y/N] `)).trim());
  } finally {
    terminal.close();
  }
}

/** Wrong usage (a missing option, a bad value): exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export class Cli {
  exitCode = 0;

  constructor(
    readonly io: CliIo,
    private readonly program: Command,
  ) {}

  private get globals(): { url?: string; key?: string; json?: boolean } {
    return this.program.opts();
  }

  get json(): boolean {
    return this.globals.json === true;
  }

  /** The service URL from --url or MPA_URL, if any (for commands that need no key). */
  get serviceUrl(): string | undefined {
    return this.globals.url ?? this.io.env.MPA_URL;
  }

  /** The API client from --url/--key or MPA_URL/MPA_API_KEY. */
  client(): ApiClient {
    const url = this.serviceUrl;
    const key = this.globals.key ?? this.io.env.MPA_API_KEY;
    if (!url) throw new UsageError('The service URL is needed: --url or MPA_URL (e.g. http://127.0.0.1:3000).');
    if (!key) throw new UsageError('An API key is needed: --key or MPA_API_KEY.');
    const retryBaseMs = Number(this.io.env.MPA_RETRY_BASE_MS ?? '') || undefined;
    return new ApiClient(url, key, retryBaseMs === undefined ? {} : { baseDelayMs: retryBaseMs });
  }

  /** Rows as a table under human headers; with --json the value, with `csv` CSV (for reports). */
  table<T>(rows: readonly T[], columns: readonly Column<T>[], value: unknown, options: { csv?: boolean; title?: string } = {}): void {
    if (this.json) return this.print('', value);
    if (options.csv) {
      this.io.stdout.write(renderCsv(rows, columns));
      return;
    }
    this.print(`${options.title ? `${options.title}\n\n` : ''}${renderTable(rows, columns)}`, value);
  }

  /** A yes/no confirmation: `--yes` skips it; without a terminal to ask on, the command is refused. */
  async confirm(question: string, yes: boolean | undefined): Promise<void> {
    if (yes) return;
    if (!this.io.confirm) throw new UsageError(`${question} Add --yes to confirm (there is no terminal to ask on).`);
    if (!(await this.io.confirm(question))) throw new UsageError('Not confirmed: nothing was changed.');
  }

  /**
   * Prints the human text, or with --json the value as JSON (one document on stdout). Values are
   * escaped where they are formatted (output.ts); here, as a last guard, no control character
   * but a line break reaches the terminal.
   */
  print(human: string, value: unknown): void {
    this.io.stdout.write(this.json ? `${terminalJson(value)}\n` : `${shownLines(human)}\n`);
  }

  /** A note for people (stderr), never in --json output. */
  note(text: string): void {
    if (!this.json) this.io.stderr.write(`${shownLines(text)}\n`);
  }

  /** A progress bar on stderr when it is a terminal and output is not --json; otherwise silent. */
  progress(label: string): ProgressBar {
    return progressBar(this.io.stderr, label, this.io.stderr.isTTY === true && !this.json);
  }

  /** Runs a command's action with the house error handling. */
  action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
    return async (...args: A) => {
      try {
        await fn(...args);
      } catch (error) {
        this.fail(error);
      }
    };
  }

  private fail(error: unknown): void {
    if (error instanceof UsageError) {
      this.io.stderr.write(`mpa-licensing: ${shownLines(error.message)}\n`);
      this.exitCode = EXIT_USAGE;
      return;
    }
    this.exitCode = EXIT_FAILED;
    if (error instanceof ApiError && error.problem) {
      this.print(formatProblem(error.problem), { problem: error.problem });
      return;
    }
    const message = (error as Error)?.message ?? String(error);
    if (this.json) this.print('', { error: message });
    else this.io.stderr.write(`mpa-licensing: ${shownLines(message)}\n`);
  }
}
