/**
 * The `mpa-licensing` command line (bin/cli.ts), built with commander. Each command group is
 * one module in ./commands that registers itself on the program; adding a command is one
 * more module and one line in `commandModules`.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerAdmin } from './commands/admin.js';
import { registerBundle } from './commands/bundle.js';
import { registerEntitlements } from './commands/entitlements.js';
import { registerEnvelope } from './commands/envelope.js';
import { registerInstalls } from './commands/installs.js';
import { registerLicense } from './commands/license.js';
import { registerReports } from './commands/reports.js';
import { registerSamples } from './commands/samples.js';
import { registerStaff } from './commands/staff.js';
import { registerUpload } from './commands/upload.js';
import { Cli, type CliIo, EXIT_USAGE, processIo } from './context.js';

export type CommandModule = (program: Command, cli: Cli) => void;

export const commandModules: readonly CommandModule[] = [registerSamples, registerBundle, registerEnvelope, registerUpload, registerInstalls, registerStaff, registerReports, registerAdmin, registerEntitlements, registerLicense];

/** The version in package.json (the CLI is run from the project: bin/cli.ts). */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Runs the CLI with these arguments (without `node` and the script); answers the exit code. */
export async function runCli(args: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = new Command('mpa-licensing')
    .description('Command line for the MPA licensing upload service: offline bundles, uploads, sample data and staff tasks.')
    .option('--url <url>', 'the service URL (default: MPA_URL)')
    .option('--key <key>', 'the API key (default: MPA_API_KEY)')
    .option('--json', 'print results as JSON, for scripts')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
  const cli = new Cli(io, program);
  // Commands registered after exitOverride() and configureOutput() inherit them.
  for (const register of commandModules) register(program, cli);
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : EXIT_USAGE;
    throw error;
  }
  return cli.exitCode;
}
