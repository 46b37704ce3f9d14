/**
 * Runs a function of a synthesized cloud assembly the way Lambda runs it: its esbuild bundle
 * from the assembly's asset folder (not the TypeScript source), in a fresh Node process whose
 * environment is the function's own from the template plus what the Lambda runtime sets, its
 * handler export called with one event and a context. Storage goes to the test emulators: the
 * template's references to the table and buckets are replaced by the emulators' names, and the
 * emulator endpoints are added (as the code expects locally; on AWS they are absent).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CfnResource } from './template.js';

export interface BundleRun {
  /** What the handler returned, when it returned. */
  result?: unknown;
  /** What the handler threw (name and message), when it threw. */
  error?: { name: string; message: string };
  /** Everything the process wrote (logs, EMF documents), one line each. */
  lines: string[];
}

const RESULT_MARK = '@@bundle-run@@';

/** Lambda's Node runtime imports the handler module and calls its export; so does this driver. */
const driver = `
import { pathToFileURL } from 'node:url';
const [file, exportName, eventJson, functionName, timeoutMs] = process.argv.slice(2);
const started = Date.now();
const context = {
  callbackWaitsForEmptyEventLoop: true, functionName, functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:' + functionName,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, awsRequestId: 'bundle-run-request',
  logGroupName: '/aws/lambda/' + functionName, logStreamName: 'bundle-run',
  getRemainingTimeInMillis: () => Math.max(0, Number(timeoutMs) - (Date.now() - started)),
  done() {}, fail() {}, succeed() {},
};
let outcome;
try {
  const module = await import(pathToFileURL(file).href);
  outcome = { result: await module[exportName](JSON.parse(eventJson), context) };
} catch (error) {
  outcome = { error: { name: error?.name, message: error?.message } };
}
process.stdout.write('\\n${RESULT_MARK}' + JSON.stringify(outcome) + '\\n');
process.exit(0);
`;

let driverFile: string | undefined;

/** The template's environment for the function, references to the stack's storage replaced by the emulators'. */
function environmentOf(fn: CfnResource, storage: Record<string, string>): Record<string, string> {
  const variables = (fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value === 'string') env[name] = value;
    else if (storage[name] !== undefined) env[name] = storage[name]!;
    else throw new Error(`${name} of the function refers to a resource the bundle test does not stand in for: ${JSON.stringify(value)}`);
  }
  return env;
}

/**
 * Invokes the function `fn` (a resource of the template in `outdir`) with `event`, as Lambda
 * would, against the emulators; `extraEnv` overrides the environment (e.g. an unreachable endpoint).
 */
export async function invokeBundle(outdir: string, fn: CfnResource, event: unknown, extraEnv: Record<string, string> = {}): Promise<BundleRun> {
  const assetPath = fn.Metadata?.['aws:asset:path'] as string | undefined;
  if (!assetPath) throw new Error('the function has no asset path: was the assembly bundled?');
  const [moduleName, exportName] = String(fn.Properties.Handler).split('.') as [string, string];
  const file = ['.mjs', '.js', '.cjs'].map((ext) => path.join(outdir, assetPath, moduleName + ext)).find((f) => existsSync(f));
  if (!file) throw new Error(`no ${moduleName}.mjs in ${assetPath}`);
  driverFile ??= (() => {
    const f = path.join(mkdtempSync(path.join(tmpdir(), 'mpa-bundle-run-')), 'driver.mjs');
    writeFileSync(f, driver);
    return f;
  })();
  const storage = { TABLE_NAME: process.env.TABLE_NAME!, RAW_BUCKET: process.env.RAW_BUCKET!, INCOMING_BUCKET: process.env.INCOMING_BUCKET! };
  const functionName = 'bundle-run';
  const timeoutMs = Number(fn.Properties.Timeout ?? 3) * 1000;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    // What the Lambda runtime sets.
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.Properties.MemorySize ?? 128),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: 'eu-west-1',
    LAMBDA_TASK_ROOT: path.join(outdir, assetPath),
    TZ: ':UTC',
    ...environmentOf(fn, storage),
    // The emulators (the code takes endpoints only when they are configured), and their
    // credentials where Lambda puts the function role's: the SDK's default chain reads them.
    DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT!,
    S3_ENDPOINT: process.env.S3_ENDPOINT!,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID!,
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY!,
    ...extraEnv,
  };
  // Not spawnSync: run in band, the tests share their process with s3rver, which must go on answering.
  const child = spawn(process.execPath, [driverFile, file, exportName, JSON.stringify(event), functionName, String(timeoutMs)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(killer);
  const run = { stdout, stderr, status };
  const output = `${run.stdout ?? ''}`;
  const marked = output.lastIndexOf(RESULT_MARK);
  if (marked < 0) throw new Error(`the bundle run ended without an outcome (${run.status}): ${run.stderr?.slice(-2000)}`);
  const outcome = JSON.parse(output.slice(marked + RESULT_MARK.length).split('\n')[0]!) as Omit<BundleRun, 'lines'>;
  const lines = (output.slice(0, marked) + (run.stderr ?? '')).split('\n').filter((l) => l.trim() !== '');
  return { ...outcome, lines };
}
