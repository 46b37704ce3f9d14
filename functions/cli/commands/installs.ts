/**
 * `installs create | list | show | rename | decommission | reactivate | delete | rotate-key`
 * and `uploads history | status` (staff key), `usage-collection on | off` (install key).
 */
import type { Command } from 'commander';
import type { Receipt } from '../../domain/receipts.js';
import type { InstallListItem } from '../../domain/directory.js';
import { type Cli, UsageError } from '../context.js';
import { formatProblem, formatReceipt } from '../output.js';
import { field, renderTable } from '../tables.js';
import { allPages } from '../pages.js';

interface InstallView {
  installId: string;
  customerId: string;
  name: string;
  createdAt: string;
  lastSeenAt: string | null;
  status?: string;
  usageCollection: { enabled: boolean };
  queries: Record<string, { collectedAt: string; uploadId: string; recordCount: number; summary: Record<string, unknown> }>;
}

/** A summary in a few words: its scalar fields, and the size of the rest. */
function summaryLine(summary: Record<string, unknown>): string {
  return Object.entries(summary)
    .map(([key, value]) => {
      if (value === null || typeof value !== 'object') return `${key} ${value ?? '-'}`;
      const entries = Object.keys(value as object).length;
      return `${key} (${entries})`;
    })
    .join(', ');
}

/** The install as a short description and a table of its latest snapshots. */
function formatInstall(install: InstallView): string {
  const head = [
    `${install.name}  (install ${install.installId})`,
    `customer      ${install.customerId}`,
    `status        ${install.status ?? 'active'}`,
    `created       ${install.createdAt}`,
    `last upload   ${install.lastSeenAt ?? 'never'}`,
    `usage data    ${install.usageCollection.enabled ? 'collected' : 'not collected (opted out)'}`,
  ];
  const rows = Object.entries(install.queries).map(([queryType, latest]) => ({ queryType, ...latest }));
  const table = renderTable(rows, [
    field('Query', 'queryType'),
    field('Collected', 'collectedAt'),
    field('Records', 'recordCount'),
    { header: 'Summary', value: (row) => summaryLine(row.summary) },
  ]);
  return `${head.join('\n')}\n\nLatest snapshots:\n${table}`;
}

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
        cli.print(`install ${install.installId} (${install.name}, customer ${install.customerId})\nAPI key (shown only now): ${install.apiKey}`, install);
      }),
    );
  installs
    .command('list')
    .description('Installs by customer, then name')
    .option('--customer-id <id>', "only this customer's installs")
    .option('--limit <n>', 'one page of at most n installs')
    .action(
      cli.action(async (options: { customerId?: string; limit?: string }) => {
        const client = cli.client();
        const items = await allPages((q) => client.listInstalls(q), { customerId: options.customerId }, options.limit);
        cli.table<InstallListItem>(
          items,
          [
            field('Customer', 'customerId'),
            field('Name', 'name'),
            field('Install', 'installId'),
            { header: 'Status', value: (i) => i.status ?? 'active' },
            field('Last upload', 'lastSeenAt'),
            { header: 'Usage data', value: (i) => (i.usageCollection.enabled ? 'on' : 'off') },
          ],
          { items },
        );
      }),
    );
  installs
    .command('show')
    .description('The install and the latest snapshot of each query type')
    .argument('<installId>')
    .action(
      cli.action(async (installId: string) => {
        const install = (await cli.client().getInstall(installId)) as unknown as InstallView;
        cli.print(formatInstall(install), install);
      }),
    );
  installs
    .command('rename')
    .description('Give the install a new name')
    .argument('<installId>')
    .argument('<name>')
    .action(
      cli.action(async (installId: string, name: string) => {
        const install = await cli.client().patchInstall(installId, { name });
        cli.print(`install ${installId} is now named '${install.name}'`, install);
      }),
    );
  for (const [command, status, description, done] of [
    ['decommission', 'decommissioned', "Retire the install: its key stops working and it leaves the stale and expiring reports", 'decommissioned: its key answers 401 until it is reactivated'],
    ['reactivate', 'active', 'Bring a decommissioned install back: its key works again', 'active again'],
  ] as const) {
    installs
      .command(command)
      .description(description)
      .argument('<installId>')
      .action(
        cli.action(async (installId: string) => {
          const install = await cli.client().patchInstall(installId, { status });
          cli.print(`install ${installId} (${install.name}) ${done}`, install);
        }),
      );
  }
  installs
    .command('delete')
    .description('Delete the install and everything it uploaded (its audit entries stay); asks first unless --yes')
    .argument('<installId>')
    .option('--yes', 'do not ask for confirmation')
    .action(
      cli.action(async (installId: string, options: { yes?: boolean }) => {
        const client = cli.client();
        const install = (await client.getInstall(installId)) as unknown as InstallView;
        await cli.confirm(`Delete install '${install.name}' (${installId}) of customer ${install.customerId} and everything it uploaded?`, options.yes);
        await client.deleteInstall(installId);
        cli.print(`install ${installId} (${install.name}) deleted`, { installId, deleted: true });
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

  const uploads = program.command('uploads').description('Upload history and status');
  uploads
    .command('history')
    .description("An install's accepted uploads, newest first (staff key)")
    .argument('<installId>')
    .option('--query-type <type>', 'only this query type')
    .option('--limit <n>', 'at most n uploads (default 50)', '50')
    .action(
      cli.action(async (installId: string, options: { queryType?: string; limit: string }) => {
        const client = cli.client();
        const items = await allPages((q) => client.listUploads(installId, q), { queryType: options.queryType }, options.limit);
        cli.table<Receipt>(
          items,
          [field('Query', 'queryType'), field('Collected', 'collectedAt'), field('Records', 'recordCount'), field('Upload', 'uploadId'), { header: 'Duplicate', value: (r) => (r.duplicate ? 'yes' : '') }],
          { items },
        );
      }),
    );
  uploads
    .command('status')
    .description('Where an upload stands: pending, accepted (with its receipt) or rejected (with why)')
    .argument('<uploadId>')
    .action(
      cli.action(async (uploadId: string) => {
        const upload = await cli.client().getUpload(uploadId);
        const detail = upload.receipt ? formatReceipt(upload.receipt) : upload.problem ? formatProblem(upload.problem, '  ') : upload.bundle ? `bundle: ${upload.bundle.results.length} files` : '';
        cli.print(`upload ${uploadId}: ${upload.status}${detail ? `\n${detail}` : ''}`, upload);
        if (upload.status === 'rejected') cli.exitCode = 1;
      }),
    );

  program
    .command('usage-collection')
    .description("Turn this install's usage data collection on or off (install key); off deletes what was collected")
    .argument('<on|off>')
    .action(
      cli.action(async (value: string) => {
        if (value !== 'on' && value !== 'off') throw new UsageError(`usage-collection takes on or off, not ${value}`);
        const result = await cli.client().setUsageCollection(value === 'on');
        cli.print(result.enabled ? 'usage data collection is on' : 'usage data collection is off; what was collected of it is deleted', result);
      }),
    );
}

