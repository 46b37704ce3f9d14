/**
 * `admin create-staff-key`: writes a staff key's hash straight to the DynamoDB table with
 * the operator's AWS credentials (the default provider chain: AWS_PROFILE, SSO, …), for the
 * first staff key of a deployment. The key is printed once and stored nowhere else.
 */
import type { Command } from 'commander';
import { createClients, destroyClients } from '../../store/clients.js';
import { storageConfig } from '../../store/config.js';
import { createStaffKey } from '../../store/installs.js';
import type { Cli } from '../context.js';

export function registerAdmin(program: Command, cli: Cli): void {
  const admin = program.command('admin').description('Operator commands that use AWS credentials, not an API key');
  admin
    .command('create-staff-key')
    .description('Create a staff API key in the table (printed once)')
    .option('--table <name>', 'the DynamoDB table (default: TABLE_NAME, else mpa-licensing)')
    .option('--region <region>', 'the AWS region (default: AWS_REGION)')
    .action(
      cli.action(async (options: { table?: string; region?: string }) => {
        const env = { ...cli.io.env, ...(options.table ? { TABLE_NAME: options.table } : {}), ...(options.region ? { AWS_REGION: options.region } : {}) };
        const c = createClients(storageConfig(env));
        try {
          const apiKey = await createStaffKey(c, new Date());
          cli.print(`Staff API key for table ${c.config.tableName} (shown only now; keep it secret):\n${apiKey}`, { apiKey, table: c.config.tableName });
        } finally {
          destroyClients(c);
        }
      }),
    );
}
