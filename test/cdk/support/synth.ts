/**
 * Synthesizes the stack for the CDK tests, in process, with the context of cdk.json (feature
 * flags, stage blocks) so the tests see what `npx cdk synth` produces.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfig, type StageConfig } from '../../../lib/config.js';
import { projectRoot } from '../../../lib/paths.js';
import { LicensingStack, stackNameFor } from '../../../lib/stacks/licensingStack.js';

export const cdkJson = JSON.parse(readFileSync(path.join(projectRoot, 'cdk.json'), 'utf8')) as {
  app: string;
  context: Record<string, unknown>;
};

export interface SynthOptions {
  /** Extra context (e.g. stage, settings), as `-c key=value` would give. */
  context?: Record<string, unknown>;
  /** Run esbuild for real (slow); default: skip bundling, the template is the same. */
  bundle?: boolean;
  /** Register cdk-nag's AwsSolutions pack. */
  nag?: boolean;
  /** Change the stack before synthesis (e.g. add a deliberately non-compliant resource). */
  mutate?: (stack: LicensingStack) => void;
}

export interface Synthesized {
  app: App;
  stack: LicensingStack;
  config: StageConfig;
  template: Template;
  json: { Resources: Record<string, { Type: string; Properties?: any; [k: string]: any }>; [k: string]: any };
  outdir: string;
}

const outdirs: string[] = [];

/** Removes the cloud assemblies this test file synthesized (call in afterAll). */
export function removeSynthOutputs(): void {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function synth(options: SynthOptions = {}): Synthesized {
  const outdir = mkdtempSync(path.join(tmpdir(), 'mpa-cdk-test-'));
  outdirs.push(outdir);
  const context: Record<string, unknown> = {
    ...cdkJson.context,
    ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    ...options.context,
  };
  const app = new App({ outdir, context });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

  // An empty environment: MPA_* variables of whoever runs the tests must not leak in.
  const config = loadConfig(app, {});
  const stack = new LicensingStack(app, stackNameFor(config.stage), { config });
  options.mutate?.(stack);
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  const json = JSON.parse(readFileSync(artifact.templateFullPath, 'utf8'));
  return { app, stack, config, template: Template.fromJSON(json), json, outdir: assembly.directory };
}

/** The unsuppressed violations of the policy validation report (cdk-nag and CDK's own rules). */
export function validationViolations(outdir: string): { plugin: string; rule: string; description: string; resources: string[] }[] {
  const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: {
      pluginName?: string;
      summary?: { pluginName?: string };
      violations?: { ruleName: string; description: string; violatingResources?: { constructPath?: string; resourceLogicalId?: string }[]; violatingConstructs?: { constructPath?: string }[] }[];
    }[];
  };
  return report.pluginReports.flatMap((r) =>
    (r.violations ?? []).map((v) => ({
      plugin: r.summary?.pluginName ?? r.pluginName ?? '?',
      rule: v.ruleName,
      description: v.description.split('\n')[0] ?? '',
      resources: [...(v.violatingResources ?? []), ...(v.violatingConstructs ?? [])].map((x) => x.constructPath ?? (x as { resourceLogicalId?: string }).resourceLogicalId ?? '?'),
    })),
  );
}
