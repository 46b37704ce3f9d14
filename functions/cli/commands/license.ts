/**
 * `license issue` (staff key): issue an install's signed license file and write its text;
 * `license verify` (no key): the customer's offline check of a license file against the
 * service's JWKS (a URL, or a saved copy): exit 0 valid, 1 not valid (with the reason), 2 wrong usage.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { JSONWebKeySet } from 'jose';
import { verifyLicenseFile, type VerifiedLicense } from '../../licensing/verifyLicenseFile.js';
import { type Cli, UsageError } from '../context.js';
import { send } from '../http.js';
import { formatTable } from '../output.js';

const JWKS_PATH = '.well-known/jwks.json';

function parseValidDays(value: string): number {
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1 || days > 400) throw new UsageError(`--valid-days must be a whole number of days from 1 to 400, not '${value}'.`);
  return days;
}

/** The JWK Set from a URL or a file; by default the service's (--url or MPA_URL). */
async function loadJwks(cli: Cli, source: string | undefined, serviceUrl: string | undefined): Promise<{ jwks: JSONWebKeySet; from: string }> {
  let from = source;
  if (from === undefined) {
    if (!serviceUrl) throw new UsageError('Where are the public keys? --jwks <url or file>, or --url / MPA_URL for <service>/.well-known/jwks.json.');
    from = new URL(JWKS_PATH, serviceUrl.endsWith('/') ? serviceUrl : `${serviceUrl}/`).toString();
  }
  let text: string;
  if (/^https?:\/\//i.test(from)) {
    const answer = await send(from, { method: 'GET', headers: { accept: 'application/json' }, timeoutMs: 30_000 });
    if (answer.status !== 200) throw new Error(`The JWKS at ${from} answered HTTP ${answer.status}.`);
    text = answer.text;
  } else {
    text = await readFile(from, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`Cannot read the JWKS file ${from}: ${error.code ?? error.message}.`);
    });
  }
  let jwks: unknown;
  try {
    jwks = JSON.parse(text);
  } catch {
    throw new Error(`${from} is not a JWK Set (not JSON).`);
  }
  if (jwks === null || typeof jwks !== 'object' || !Array.isArray((jwks as JSONWebKeySet).keys)) throw new Error(`${from} is not a JWK Set (no keys).`);
  cli.note(`keys from ${from}`);
  return { jwks: jwks as JSONWebKeySet, from };
}

function describe(license: VerifiedLicense): string {
  const lines = [
    `VALID license file ${license.licenseFileId}`,
    `  install      ${license.installId}`,
    `  customer     ${license.customerId}`,
    `  valid        ${license.notBefore} to ${license.expiresAt}`,
    `  next report  due ${license.nextReportDue}`,
    `  signed by    ${license.kid}`,
    '',
    `entitlements (${license.entitlements.length})`,
    license.entitlements.length === 0
      ? '  none'
      : formatTable(
          license.entitlements.map((e) => ({ ...e, termEnd: e.termEnd ?? 'perpetual' })),
          ['entitlementId', 'item', 'quantity', 'termEnd'],
        ),
    '',
    `acknowledged snapshots (${license.acknowledges.length})`,
    formatTable(license.acknowledges as unknown as Record<string, unknown>[], ['queryType', 'collectedAt', 'uploadId', 'sha256']),
  ];
  return lines.join('\n');
}

export function registerLicense(program: Command, cli: Cli): void {
  const license = program.command('license').description('Signed license files: issue (staff key), verify offline (no key)');
  license
    .command('issue')
    .description("Issue the install's signed license file (needs every required report of the last 30 days)")
    .argument('<installId>')
    .option('--valid-days <n>', 'days the file is valid, 1-400 (default 365)')
    .option('--out <file>', 'write the license file text here (default: standard output)')
    .action(
      cli.action(async (installId: string, options: { validDays?: string; out?: string }) => {
        const body = options.validDays === undefined ? {} : { validDays: parseValidDays(options.validDays) };
        const file = await cli.client().issueLicenseFile(installId, body);
        if (options.out !== undefined) {
          await writeFile(options.out, file.file);
          cli.print(`license file ${file.licenseFileId} of install ${file.installId}, valid until ${file.expiresAt}, written to ${options.out}`, file);
        } else if (cli.json) cli.print('', file);
        else cli.io.stdout.write(file.file);
      }),
    );
  license
    .command('verify')
    .description('Check a license file offline: its signature against the JWKS, its validity now, and its install')
    .argument('<file>', 'the license file (the text between BEGIN and END MPA LICENSE FILE)')
    .option('--jwks <source>', 'the public keys: a URL or a saved JSON file (default: <service URL>/.well-known/jwks.json)')
    .option('--install-id <id>', 'the install the file must be for')
    .action(
      cli.action(async (path: string, options: { jwks?: string; installId?: string }) => {
        const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
          throw new UsageError(`Cannot read the license file ${path}: ${error.code ?? error.message}.`);
        });
        const { jwks } = await loadJwks(cli, options.jwks, cli.serviceUrl);
        const result = await verifyLicenseFile(text, jwks, options.installId !== undefined ? { installId: options.installId } : {});
        if (!result.valid) throw new Error(`NOT VALID: ${result.reason}`);
        cli.print(describe(result.license), { valid: true, ...result.license });
      }),
    );
}
