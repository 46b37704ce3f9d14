/**
 * `customer <id>` and `reports expiring | stale | duplicates | versions | digest` (staff key):
 * the staff queries as tables under human headers (install names next to their ids), CSV with
 * --csv, JSON with --json. Reports follow every page unless --limit.
 */
import type { Command } from 'commander';
import type { Cli } from '../context.js';
import { shown } from '../terminalText.js';
import { installNames } from '../names.js';
import { dateOption, dateTimeOption, wholeNumberOption } from '../options.js';
import { type Column, field, renderTable } from '../tables.js';
import { allPages } from '../pages.js';

type Row = Record<string, unknown>;

interface ReportSpec {
  command: string;
  route: string;
  description: string;
  options: { flag: string; description: string; parameter: string; check: (flag: string, value: string | undefined) => string | undefined }[];
  columns: Column<Row>[];
  /** The install ids of an item, whose names the table shows. */
  installIds?: (item: Row) => string[];
}

const days = (flag: string, value: string | undefined) => wholeNumberOption(flag, value, 0, 3650);

const reports: ReportSpec[] = [
  {
    command: 'expiring',
    route: 'expiring',
    description: 'Installs with licensed devices or containers whose license ends soon, soonest first',
    options: [
      { flag: '--within-days <n>', description: 'the window in days (default 30)', parameter: 'withinDays', check: (f, v) => wholeNumberOption(f, v, 0, 366) },
      { flag: '--as-of <date>', description: 'the first day of the window (default today)', parameter: 'asOf', check: dateOption },
    ],
    columns: [field('First end', 'firstUnlicensedOn'), field('Customer', 'customerId'), field('Install', 'installName'), field('Install id', 'installId'), field('Devices', 'devices'), field('Containers', 'containers')],
    installIds: (item) => [item.installId as string],
  },
  {
    command: 'stale',
    route: 'stale',
    description: 'Installs with no accepted upload in the last days (or none ever)',
    options: [
      { flag: '--days <n>', description: 'days without an accepted upload (default 2)', parameter: 'days', check: days },
      { flag: '--as-of <datetime>', description: 'counted back from (default now)', parameter: 'asOf', check: dateTimeOption },
    ],
    columns: [field('Last upload', 'lastSeenAt'), field('Customer', 'customerId'), field('Install', 'name'), field('Install id', 'installId')],
  },
  {
    command: 'duplicates',
    route: 'duplicate-identifiers',
    description: 'ARIDs, hardware ids and serial numbers reported by more than one install',
    options: [],
    columns: [
      field('Kind', 'kind'),
      field('Identifier', 'value'),
      { header: 'Installs', value: (item) => (item.installs as { installId: string; customerId: string | null; installName?: string }[]).map((i) => `${i.installName ?? '?'} (${i.installId}, customer ${i.customerId ?? '?'})`).join('; ') },
    ],
    installIds: (item) => (item.installs as { installId: string }[]).map((i) => i.installId),
  },
  {
    command: 'versions',
    route: 'versions',
    description: 'Fleet-wide device software versions by device type',
    options: [{ flag: '--device-type <type>', description: 'only this device type', parameter: 'deviceType', check: (_f, v) => v }],
    columns: [field('Device type', 'deviceType'), field('Software version', 'softwareVersion'), field('Devices', 'devices'), field('Installs', 'installs')],
  },
  {
    command: 'over-deployment',
    route: 'over-deployment',
    description: 'Compliance rows over, past grace or unentitled, largest overage first (one answer: --limit does not apply)',
    options: [{ flag: '--as-of <date>', description: 'as of this date (default today)', parameter: 'asOf', check: dateOption }],
    columns: [
      field('Customer', 'customerId'),
      field('Item', 'item'),
      { header: 'Scope', value: (row) => (row.installId ? `${row.installName ?? '?'} (${row.installId})` : 'pool (all installs)') },
      field('Entitled', 'entitled'),
      field('Used', 'used'),
      field('Peak', 'peak'),
      field('Overage', 'overage'),
      field('Status', 'status'),
      field('Over since', 'overSince'),
    ],
    installIds: (item) => (typeof item.installId === 'string' ? [item.installId] : []),
  },
];

/** Adds `installName` to every item (and to each of a duplicate's installs). */
async function withNames(cli: Cli, spec: ReportSpec, items: Row[]): Promise<Row[]> {
  if (!spec.installIds || items.length === 0) return items;
  const names = await installNames(cli.client(), items.flatMap(spec.installIds));
  return items.map((item) => ({
    ...item,
    ...(typeof item.installId === 'string' ? { installName: names.get(item.installId) } : {}),
    ...(Array.isArray(item.installs) ? { installs: (item.installs as { installId: string }[]).map((i) => ({ ...i, installName: names.get(i.installId) })) } : {}),
  }));
}

export function registerReports(program: Command, cli: Cli): void {
  program
    .command('customer')
    .description("A customer's license state over all its installs (staff key)")
    .argument('<customerId>')
    .option('--as-of <date>', 'count expiries from this date (default today)')
    .action(
      cli.action(async (customerId: string, options: { asOf?: string }) => {
        const state = await cli.client().customerLicenseState(customerId, { asOf: dateOption('--as-of', options.asOf) });
        const licenses = renderTable(
          [
            { kind: 'devices', ...state.devices },
            { kind: 'containers', ...state.containers },
          ],
          [field('Licenses', 'kind'), field('Licensed', 'licensed'), field('Unlicensed', 'unlicensed'), field('Next end', 'nextUnlicensedOn'), field('Ending within 30 days', 'expiringWithin30Days')],
        );
        const counts = renderTable(Object.entries(state.licensingCounts).map(([item, count]) => ({ item, count })), [field('Licensed item', 'item'), field('Count', 'count')]);
        const users = `users ${state.users.users}, active ${state.users.activeUsers}, report recipients ${state.users.reportRecipients}`;
        cli.print(`customer ${shown(state.customerId)}: ${shown(state.installs)} install(s)\n\n${licenses}\n\n${counts}\n\n${users}`, state);
      }),
    );

  const group = program.command('reports').description('Staff reports (staff key)');
  for (const spec of reports) {
    const command = group.command(spec.command).description(spec.description).option('--limit <n>', 'one page of at most n items').option('--csv', 'print CSV (for a spreadsheet)');
    for (const option of spec.options) command.option(option.flag, option.description);
    command.action(
      cli.action(async (options: Record<string, string | boolean | undefined>) => {
        const query = Object.fromEntries(spec.options.map((option) => [option.parameter, option.check(flagName(option.flag), options[optionName(option.flag)] as string | undefined)]));
        const client = cli.client();
        const items = await allPages((q) => client.report<Row>(spec.route, q), query, options.limit as string | undefined);
        const named = cli.json ? items : await withNames(cli, spec, items);
        cli.table(named, spec.columns, { items }, { csv: options.csv === true });
      }),
    );
  }

  group
    .command('digest')
    .description('What changed for the worse in the day before --as-of: over-deployment, licenses ending within 30 days, installs gone silent')
    .option('--as-of <datetime>', 'the end of the day covered (default now)')
    .option('--csv', 'print CSV: one row per finding')
    .action(
      cli.action(async (options: { asOf?: string; csv?: boolean }) => {
        const client = cli.client();
        const digest = await client.digest({ asOf: dateTimeOption('--as-of', options.asOf) });
        if (cli.json) return cli.print('', digest);
        const names = await installNames(client, [...digest.expiringWithin30Days.map((i) => i.installId), ...digest.overDeployment.flatMap((o) => (o.installId ? [o.installId] : []))]);
        const findings: Row[] = [
          ...digest.overDeployment.map((o) => ({ finding: 'over-deployed', customerId: o.customerId, install: o.installId ? `${names.get(o.installId)} (${o.installId})` : 'all installs', detail: `${o.item}: ${o.used} used of ${o.entitled} entitled (${o.status}, since ${o.overSince})` })),
          ...digest.expiringWithin30Days.map((e) => ({ finding: 'expiring', customerId: e.customerId, install: `${names.get(e.installId)} (${e.installId})`, detail: `${e.devices} devices, ${e.containers} containers within 30 days; first on ${e.firstUnlicensedOn}` })),
          ...digest.newlyStale.map((s) => ({ finding: 'stale', customerId: s.customerId, install: `${s.name} (${s.installId})`, detail: `no upload since ${s.lastSeenAt}` })),
        ];
        const title = `Digest for the day before ${digest.asOf}: ${digest.overDeployment.length} over-deployed, ${digest.expiringWithin30Days.length} expiring, ${digest.newlyStale.length} newly stale`;
        cli.table(findings, [field('Finding', 'finding'), field('Customer', 'customerId'), field('Install', 'install'), field('Detail', 'detail')], digest, { csv: options.csv === true, title });
      }),
    );
}

/** `--within-days <n>` → `--within-days`. */
function flagName(flag: string): string {
  return flag.split(' ')[0] ?? flag;
}

/** `--within-days <n>` → `withinDays`, as commander names it. */
function optionName(flag: string): string {
  return flagName(flag)
    .replace(/^--/, '')
    .replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
