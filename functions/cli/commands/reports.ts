/**
 * `customer <id>` and `reports expiring | stale | duplicates | versions` (staff key): the staff
 * queries as aligned tables, or JSON with --json. Reports follow every page unless --limit.
 */
import type { Command } from 'commander';
import type { Cli } from '../context.js';
import { formatTable } from '../output.js';
import { shown } from '../terminalText.js';

interface ReportSpec {
  command: string;
  route: string;
  description: string;
  options: [flag: string, description: string, parameter: string][];
  columns: string[];
  /** Flattens an item into table cells. */
  row?: (item: Record<string, unknown>) => Record<string, unknown>;
}

const reports: ReportSpec[] = [
  {
    command: 'expiring',
    route: 'expiring',
    description: 'Installs with licensed devices or containers whose license ends soon, soonest first',
    options: [
      ['--within-days <n>', 'the window in days (default 30)', 'withinDays'],
      ['--as-of <date>', 'the first day of the window (default today)', 'asOf'],
    ],
    columns: ['firstUnlicensedOn', 'installId', 'customerId', 'devices', 'containers'],
  },
  {
    command: 'stale',
    route: 'stale',
    description: 'Installs with no accepted upload in the last days (or none ever)',
    options: [
      ['--days <n>', 'days without an accepted upload (default 2)', 'days'],
      ['--as-of <datetime>', 'counted back from (default now)', 'asOf'],
    ],
    columns: ['lastSeenAt', 'installId', 'customerId', 'name'],
  },
  {
    command: 'duplicates',
    route: 'duplicate-identifiers',
    description: 'ARIDs, hardware ids and serial numbers reported by more than one install',
    options: [],
    columns: ['kind', 'value', 'installs'],
    row: (item) => ({
      ...item,
      installs: (item.installs as { installId: string; customerId: string | null }[]).map((i) => `${shown(i.installId)} (${shown(i.customerId ?? '?')})`).join(', '),
    }),
  },
  {
    command: 'versions',
    route: 'versions',
    description: 'Fleet-wide device software versions by device type',
    options: [['--device-type <type>', 'only this device type', 'deviceType']],
    columns: ['deviceType', 'softwareVersion', 'devices', 'installs'],
  },
  {
    command: 'over-deployment',
    route: 'over-deployment',
    description: 'Compliance rows over, past grace or unentitled, largest overage first (one answer: --limit does not apply)',
    options: [['--as-of <date>', 'as of this date (default today)', 'asOf']],
    columns: ['customerId', 'item', 'installId', 'entitled', 'used', 'peak', 'overage', 'status', 'overSince'],
  },
];

export function registerReports(program: Command, cli: Cli): void {
  program
    .command('customer')
    .description("A customer's license state over all its installs (staff key)")
    .argument('<customerId>')
    .option('--as-of <date>', 'count expiries from this date (default today)')
    .action(
      cli.action(async (customerId: string, options: { asOf?: string }) => {
        const state = await cli.client().customerLicenseState(customerId, { asOf: options.asOf });
        const licenses = formatTable(
          [
            { of: 'devices', ...state.devices },
            { of: 'containers', ...state.containers },
          ],
          ['of', 'licensed', 'unlicensed', 'nextUnlicensedOn', 'expiringWithin30Days'],
        );
        const counts = formatTable(Object.entries(state.licensingCounts).map(([item, count]) => ({ item, count })), ['item', 'count']);
        const users = `users ${state.users.users}, active ${state.users.activeUsers}, report recipients ${state.users.reportRecipients}`;
        cli.print(`customer ${shown(state.customerId)}: ${shown(state.installs)} install(s)\n\n${licenses}\n\n${counts}\n\n${users}`, state);
      }),
    );

  const group = program.command('reports').description('Staff reports (staff key)');
  for (const spec of reports) {
    const command = group.command(spec.command).description(spec.description).option('--limit <n>', 'one page of at most n items');
    for (const [flag, description] of spec.options) command.option(flag, description);
    command.action(
      cli.action(async (options: Record<string, string | undefined>) => {
        const query = Object.fromEntries(spec.options.map(([flag, , parameter]) => [parameter, options[optionName(flag)]]));
        const items = await collect(cli, spec.route, query, options.limit);
        cli.print(formatTable(items.map((item) => spec.row?.(item) ?? item), spec.columns), { items });
      }),
    );
  }
}

/** `--within-days <n>` → `withinDays`, as commander names it. */
function optionName(flag: string): string {
  return flag
    .split(' ')[0]!
    .replace(/^--/, '')
    .replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

async function collect(cli: Cli, route: string, query: Record<string, string | undefined>, limit: string | undefined): Promise<Record<string, unknown>[]> {
  if (limit !== undefined) return (await cli.client().report<Record<string, unknown>>(route, { ...query, limit })).items;
  const items: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  do {
    const page = await cli.client().report<Record<string, unknown>>(route, { ...query, limit: '1000', cursor });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}
