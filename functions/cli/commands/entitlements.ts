/**
 * `entitlements put | list | delete | import` and `compliance <customerId>` (staff key): what
 * customers bought, and how it compares with what their installs report (DESIGN.md §8).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ApiError } from '../apiClient.js';
import { type Cli, EXIT_FAILED, UsageError } from '../context.js';
import { type ImportRow, readImport } from '../entitlementCsv.js';
import { formatProblem, formatTable } from '../output.js';
import { shown } from '../terminalText.js';

const entitlementColumns = ['entitlementId', 'item', 'quantity', 'termStart', 'termEnd', 'graceDays', 'installId', 'contractRef', 'updatedAt'];
const complianceColumns = ['item', 'installId', 'entitled', 'used', 'peak', 'overage', 'status', 'overSince'];

/** A whole number from an option, or a usage error naming it. */
function wholeNumber(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]+$/.test(value)) throw new UsageError(`${option} must be a whole number, not '${shown(value)}'.`);
  return Number(value);
}

interface PutOptions {
  item: string;
  quantity: string;
  termStart: string;
  termEnd?: string;
  graceDays?: string;
  installId?: string;
  contractRef?: string;
}

export function registerEntitlements(program: Command, cli: Cli): void {
  const entitlements = program.command('entitlements').description("Customers' entitlements (staff key)");
  entitlements
    .command('put')
    .description('Create or replace an entitlement (idempotent: the entitlement id is yours)')
    .argument('<customerId>')
    .argument('<entitlementId>')
    .requiredOption('--item <item>', 'the licensing-counts item, e.g. "IPT users"')
    .requiredOption('--quantity <n>', 'how many were bought')
    .requiredOption('--term-start <date>', 'the first day of the term (YYYY-MM-DD)')
    .option('--term-end <date>', 'the last day of the term (default: perpetual)')
    .option('--grace-days <n>', 'days over the quantity before it is past grace (default 30)')
    .option('--install-id <id>', 'for this install only (default: pooled over the customer\'s installs)')
    .option('--contract-ref <ref>', 'your contract reference')
    .action(
      cli.action(async (customerId: string, entitlementId: string, options: PutOptions) => {
        const body = {
          item: options.item,
          quantity: wholeNumber(options.quantity, '--quantity'),
          termStart: options.termStart,
          termEnd: options.termEnd ?? null,
          ...(options.graceDays !== undefined ? { graceDays: wholeNumber(options.graceDays, '--grace-days') } : {}),
          ...(options.installId !== undefined ? { installId: options.installId } : {}),
          ...(options.contractRef !== undefined ? { contractRef: options.contractRef } : {}),
        };
        const { created, entitlement } = await cli.client().putEntitlement(customerId, entitlementId, body);
        cli.print(`${created ? 'created' : 'stored'} entitlement ${entitlement.entitlementId} of customer ${entitlement.customerId}\n\n${formatTable([entitlement as unknown as Record<string, unknown>], entitlementColumns)}`, entitlement);
      }),
    );
  entitlements
    .command('list')
    .description("The customer's entitlements, of any term")
    .argument('<customerId>')
    .action(
      cli.action(async (customerId: string) => {
        const { items } = await cli.client().listEntitlements(customerId);
        cli.print(formatTable(items as unknown as Record<string, unknown>[], entitlementColumns), { items });
      }),
    );
  entitlements
    .command('delete')
    .description('Remove an entitlement')
    .argument('<customerId>')
    .argument('<entitlementId>')
    .action(
      cli.action(async (customerId: string, entitlementId: string) => {
        await cli.client().deleteEntitlement(customerId, entitlementId);
        cli.print(`deleted entitlement ${entitlementId} of customer ${customerId}`, { customerId, entitlementId, deleted: true });
      }),
    );
  entitlements
    .command('import')
    .description('Put every row of a CSV file (header customerId,entitlementId,item,quantity,termStart,termEnd,graceDays,installId,contractRef); bad rows are reported by line and skipped')
    .argument('<file>')
    .action(
      cli.action(async (file: string) => {
        let rows: ImportRow[];
        try {
          rows = readImport(await readFile(file, 'utf8'));
        } catch (error) {
          throw new UsageError(`${file}: ${(error as Error).message}`);
        }
        const client = cli.client();
        const results: ImportResult[] = [];
        // One at a time, in file order: a few hundred order lines, and each answer in turn.
        for (const row of rows) {
          if (!row.ok) {
            results.push({ line: row.line, customerId: row.customerId ?? null, entitlementId: row.entitlementId ?? null, result: 'failed', errors: row.errors });
            continue;
          }
          try {
            const { created } = await client.putEntitlement(row.customerId, row.entitlementId, row.body);
            results.push({ line: row.line, customerId: row.customerId, entitlementId: row.entitlementId, result: created ? 'created' : 'stored' });
          } catch (error) {
            if (!(error instanceof ApiError) || !error.problem) throw error;
            results.push({ line: row.line, customerId: row.customerId, entitlementId: row.entitlementId, result: 'failed', problem: error.problem, errors: error.problem.errors ?? [] });
          }
        }
        const failed = results.filter((r) => r.result === 'failed');
        if (failed.length > 0) cli.exitCode = EXIT_FAILED;
        cli.print(formatImport(results), { results, written: results.length - failed.length, failed: failed.length });
      }),
    );

  program
    .command('compliance')
    .description("A customer's entitlements against its installs' usage (staff key)")
    .argument('<customerId>')
    .option('--as-of <date>', 'as of this date (default today)')
    .action(
      cli.action(async (customerId: string, options: { asOf?: string }) => {
        const answer = await cli.client().compliance(customerId, { asOf: options.asOf });
        cli.print(`compliance of customer ${answer.customerId} as of ${answer.asOf}\n\n${formatTable(answer.items as unknown as Record<string, unknown>[], complianceColumns)}`, answer);
      }),
    );
}

interface ImportResult {
  line: number;
  customerId: string | null;
  entitlementId: string | null;
  result: 'created' | 'stored' | 'failed';
  problem?: ApiError['problem'];
  errors?: { path: string; message: string }[];
}

function formatImport(results: readonly ImportResult[]): string {
  const lines = [formatTable(results.map(({ line, customerId, entitlementId, result }) => ({ line, customerId, entitlementId, result })), ['line', 'customerId', 'entitlementId', 'result'])];
  for (const r of results.filter((x) => x.result === 'failed')) {
    const why = r.problem ? formatProblem(r.problem).split('\n') : [(r.errors ?? []).map((e) => `${e.path || '(row)'}: ${e.message}`).join('; ')];
    lines.push(...why.map((text, i) => (i === 0 ? `line ${r.line}: ${shown(text)}` : shown(text))));
  }
  const failed = results.filter((r) => r.result === 'failed').length;
  lines.push(`${results.length - failed} written, ${failed} failed`);
  return lines.join('\n');
}
