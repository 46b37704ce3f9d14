/**
 * Staff commands over the listings and the accountability routes (DESIGN.md §10–11):
 * `customers list`, `staff-keys create | list | revoke`, `audit`. Tables by default, JSON
 * with --json; lists follow every page unless --limit.
 */
import type { Command } from 'commander';
import type { AuditEntry } from '../../domain/audit.js';
import type { StaffKey } from '../../domain/staffKeys.js';
import type { Cli } from '../context.js';
import { allPages } from '../pages.js';
import { field } from '../tables.js';

export function registerStaff(program: Command, cli: Cli): void {
  const customers = program.command('customers').description('Customers (staff key)');
  customers
    .command('list')
    .description('Customers with registered installs, by id')
    .option('--prefix <text>', 'only customers whose id starts with this')
    .option('--limit <n>', 'one page of at most n customers')
    .action(
      cli.action(async (options: { prefix?: string; limit?: string }) => {
        const client = cli.client();
        const items = await allPages((q) => client.listCustomers(q), { prefix: options.prefix }, options.limit);
        cli.table(items, [field('Customer', 'customerId'), field('Installs', 'installs'), field('Last upload', 'lastSeenAt')], { items });
      }),
    );

  const keys = program.command('staff-keys').description('Named staff keys (staff key)');
  keys
    .command('create')
    .description('Create a named staff key and print it (shown once)')
    .requiredOption('--name <name>', 'whose key it is: 1-64 of A-Z a-z 0-9 . _ @ - (the audit trail names it)')
    .option('--note <text>', 'a note kept with the key')
    .action(
      cli.action(async (options: { name: string; note?: string }) => {
        const created = await cli.client().createStaffKey({ name: options.name, ...(options.note ? { note: options.note } : {}) });
        cli.print(`staff key '${created.name}' (${created.keyId}), created by ${created.createdBy}\nAPI key (shown only now; keep it secret): ${created.apiKey}`, created);
      }),
    );
  keys
    .command('list')
    .description('Every staff key, revoked ones included (never a key itself)')
    .action(
      cli.action(async () => {
        const { items } = await cli.client().listStaffKeys();
        cli.table<StaffKey>(
          items,
          [field('Name', 'name'), field('Key id', 'keyId'), field('Created', 'createdAt'), field('Created by', 'createdBy'), field('Revoked', 'revokedAt'), field('Note', 'note')],
          { items },
        );
      }),
    );
  keys
    .command('revoke')
    .description('Revoke a staff key at once (not the one you are using)')
    .argument('<keyId>')
    .action(
      cli.action(async (keyId: string) => {
        await cli.client().revokeStaffKey(keyId);
        cli.print(`staff key ${keyId} revoked`, { keyId, revoked: true });
      }),
    );

  program
    .command('audit')
    .description('The audit trail, newest first: who changed what (staff key)')
    .option('--actor <name>', "only this staff key's actions")
    .option('--target <target>', 'only actions on this target, e.g. install/<installId>')
    .option('--install <installId>', 'only actions on this install (same as --target install/<installId>)')
    .option('--limit <n>', 'at most n entries (default 100)', '100')
    .action(
      cli.action(async (options: { actor?: string; target?: string; install?: string; limit: string }) => {
        const client = cli.client();
        const target = options.target ?? (options.install ? `install/${options.install}` : undefined);
        const items = await allPages((q) => client.audit(q), { actor: options.actor, target }, options.limit);
        cli.table<AuditEntry>(
          items,
          [field('When', 'at'), field('Who', 'actor'), field('Did', 'action'), field('To', 'target'), { header: 'Details', value: (e) => Object.entries(e.details).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ') }],
          { items },
        );
      }),
    );
}
