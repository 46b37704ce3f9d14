/**
 * `admin create-staff-key`: writes a staff key's hash straight to the DynamoDB table with
 * the operator's AWS credentials (the default provider chain: AWS_PROFILE, SSO, …), for the
 * first staff key of a deployment. The key is printed once and stored nowhere else.
 */
import type { Command } from 'commander';
import { createClients, destroyClients } from '../../store/clients.js';
import { storageConfig } from '../../store/config.js';
import { AWS_OPERATOR } from '../../domain/roles.js';
import { staffKeyName } from '../../domain/staffKeys.js';
import { createStaffKey } from '../../store/staffKeys.js';
import type { Cli } from '../context.js';

export function registerAdmin(program: Command, cli: Cli): void {
  const admin = program.command('admin').description('Operator commands that use AWS credentials, not an API key');
  admin
    .command('create-staff-key')
    .description('Create a staff API key in the table (printed once)')
    .requiredOption('--name <name>', 'whose key it is (1-64 of A-Z a-z 0-9 . _ @ -); the audit trail names its actions by it')
    .option('--note <text>', 'a note kept with the key')
    .option('--table <name>', 'the DynamoDB table (default: TABLE_NAME, else mpa-licensing)')
    .option('--region <region>', 'the AWS region (default: AWS_REGION)')
    .action(
      cli.action(async (options: { name: string; note?: string; table?: string; region?: string }) => {
        if (!staffKeyName.safeParse(options.name).success) throw new Error('--name must be 1-64 of A-Z a-z 0-9 . _ @ - (e.g. jane.doe@example.com)');
        const env = { ...cli.io.env, ...(options.table ? { TABLE_NAME: options.table } : {}), ...(options.region ? { AWS_REGION: options.region } : {}) };
        const c = createClients(storageConfig(env));
        try {
          // The operator's AWS credentials stand behind this key: the audit names them AWS_OPERATOR.
          const created = await createStaffKey(c, { name: options.name, note: options.note }, AWS_OPERATOR, new Date());
          cli.print(`Staff API key '${created.name}' (${created.keyId}) for table ${c.config.tableName} (shown only now; keep it secret):\n${created.apiKey}`, { ...created, table: c.config.tableName });
        } finally {
          destroyClients(c);
        }
      }),
    );
}
