/** `installs create | rotate-key | show` (staff key): register installs, rotate their keys, see their summaries. */
import type { Command } from 'commander';
import type { Cli } from '../context.js';
import { shown, terminalJson } from '../terminalText.js';

export function registerInstalls(program: Command, cli: Cli): void {
  const installs = program.command('installs').description('Installs (with a staff key)');
  installs
    .command('create')
    .description('Register an install and print its API key (shown once)')
    .requiredOption('--customer-id <id>', 'the customer the install belongs to')
    .requiredOption('--name <name>', 'a name for the install')
    .action(
      cli.action(async (options: { customerId: string; name: string }) => {
        const install = await cli.client().createInstall({ customerId: options.customerId, name: options.name });
        cli.print(`install ${shown(install.installId)} (${shown(install.name)}, customer ${shown(install.customerId)})\nAPI key (shown only now): ${install.apiKey}`, install);
      }),
    );
  installs
    .command('rotate-key')
    .description("Issue a new API key for the install; the previous one stops working")
    .argument('<installId>')
    .action(
      cli.action(async (installId: string) => {
        const { apiKey } = await cli.client().rotateInstallKey(installId);
        cli.print(`new API key of install ${installId} (shown only now): ${apiKey}`, { installId, apiKey });
      }),
    );
  installs
    .command('show')
    .description('The install with the latest summary of each query type')
    .argument('<installId>')
    .action(
      cli.action(async (installId: string) => {
        const install = await cli.client().getInstall(installId);
        cli.print(terminalJson(install), install);
      }),
    );
}
