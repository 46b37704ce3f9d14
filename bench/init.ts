/**
 * Figure 5: per Lambda function, the size of its production bundle (esbuild, as the CDK app
 * bundles it) and its cold import time in a fresh process, divided by that of a bundle that
 * imports only the AWS SDK clients the function uses (the median of 15 such ratios).
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { authorizerHandler, fleetSyncHandler, handlerNames, processorHandler } from '../functions/routes.js';
import { functionBundleOptions } from '../lib/defaults/bundleOptions.js';
import { profileFor } from '../lib/handlerProfiles.js';
import { defaultEntryFor, projectRoot } from '../lib/paths.js';
import { pairedRatio, round } from './support.js';

const run = promisify(execFile);
const out = join(projectRoot, '.tmp', 'bench-bundles');
const IMPORTS = 15;

/** Bundled with the options every function is deployed with (lib/defaults/bundleOptions.ts; the source map, a file of its own, left out). */
async function bundle(entry: string, outfile: string) {
  const { banner, mainFields, ...options } = functionBundleOptions;
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    ...options,
    mainFields: [...mainFields],
    banner: { js: banner },
    metafile: true,
    logLevel: 'error',
  });
  return Object.keys(result.metafile.inputs);
}

const SDK_CLIENTS: Record<string, string> = {
  '@aws-sdk/client-dynamodb': "import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; keep.push(DynamoDBClient);",
  '@aws-sdk/lib-dynamodb': "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'; keep.push(DynamoDBDocumentClient);",
  '@aws-sdk/client-s3': "import { S3Client } from '@aws-sdk/client-s3'; keep.push(S3Client);",
  '@aws-sdk/s3-request-presigner': "import { getSignedUrl } from '@aws-sdk/s3-request-presigner'; keep.push(getSignedUrl);",
  '@aws-sdk/client-api-gateway': "import { APIGatewayClient } from '@aws-sdk/client-api-gateway'; keep.push(APIGatewayClient);",
  '@aws-sdk/client-kms': "import { KMSClient } from '@aws-sdk/client-kms'; keep.push(KMSClient);",
};

/** One cold import of `file` in a fresh process, in ms. */
async function importOnceMs(file: string): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(`file://${file}`)}); process.stdout.write(String(performance.now() - t));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, AWS_LAMBDA_FUNCTION_NAME: 'bench', AWS_REGION: 'eu-west-1', NODE_OPTIONS: '' },
  });
  return Number(stdout);
}

export interface InitFigure {
  bundleBytes: number;
  baselineBytes: number;
  importMs: number;
  baselineImportMs: number;
  initRatio: number;
  /** The clients the function uses (from its IAM profile): the baseline imports these. */
  sdkClients: string[];
  /** The clients its bundle contains. */
  bundledSdkClients: string[];
}

/** What a function really uses, from the access its CDK profile grants (lib/handlerProfiles.ts). */
function clientsUsedBy(name: string): string[] {
  const profile = profileFor(name);
  const used: string[] = [];
  if (profile.table !== 'none') used.push('@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb');
  if ((profile.raw?.length ?? 0) > 0 || (profile.incoming?.length ?? 0) > 0) used.push('@aws-sdk/client-s3');
  if (name === 'postUploadSession') used.push('@aws-sdk/s3-request-presigner');
  // Granted apigateway:DELETE on the stage's authorizer cache: it flushes it (store/authorizerCache.ts).
  if (profile.flushesAuthorizerCache) used.push('@aws-sdk/client-api-gateway');
  // Granted kms:Sign on the license key: it signs there on AWS (licensing/kmsSigner.ts, imported when first used).
  if (profile.licenseKey === 'sign') used.push('@aws-sdk/client-kms');
  return used;
}

export async function measureInit(): Promise<Record<string, InitFigure>> {
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const figures: Record<string, InitFigure> = {};
  // Every function: the routes' handlers, the authorizer, and the two that no route reaches.
  for (const name of [...handlerNames, authorizerHandler, processorHandler, fleetSyncHandler]) {
    const file = join(out, `${name}.mjs`);
    const inputs = await bundle(defaultEntryFor(name), file);
    const sdkClients = clientsUsedBy(name);
    const bundled = Object.keys(SDK_CLIENTS).filter((pkg) => inputs.some((input) => input.includes(`node_modules/${pkg}/`)));
    const baselineEntry = join(out, `${name}.baseline.ts`);
    await writeFile(baselineEntry, `const keep: unknown[] = [];\n${sdkClients.map((pkg) => SDK_CLIENTS[pkg]).join('\n')}\nexport const handler = async () => keep.length;\n`);
    const baselineFile = join(out, `${name}.baseline.mjs`);
    await bundle(baselineEntry, baselineFile);
    // Function and baseline imported back to back, the order swapped every other pair, so that both of a pair meet the same load of the machine.
    const { ratio, baselineMs, measuredMs } = await pairedRatio(IMPORTS, () => importOnceMs(baselineFile), () => importOnceMs(file), { measureFirst: true });
    figures[name] = {
      bundleBytes: (await stat(file)).size,
      baselineBytes: (await stat(baselineFile)).size,
      importMs: round(measuredMs, 1),
      baselineImportMs: round(baselineMs, 1),
      initRatio: round(ratio),
      sdkClients,
      bundledSdkClients: bundled,
    };
  }
  return figures;
}
