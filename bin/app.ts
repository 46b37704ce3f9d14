#!/usr/bin/env -S npx tsx
/**
 * CDK app entry (cdk.json: "app": "npx tsx bin/app.ts").
 *
 *   npx cdk synth --quiet                 # stage "dev"
 *   npx cdk deploy -c stage=prod          # settings: docs/deploy.md
 *
 * The stack is environment-agnostic (no account/region lookups): it synthesizes offline
 * without credentials; the CLI's credentials and region decide where it is deployed.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfig } from '../lib/config.js';
import { LicensingStack, stackNameFor } from '../lib/stacks/licensingStack.js';

const app = new App();
const config = loadConfig(app);

// cdk-nag AwsSolutions on every synth and deploy (context nag=false skips it): a new finding
// fails the synth until it is fixed or acknowledged with a reason next to the construct.
if (app.node.tryGetContext('nag') !== false && app.node.tryGetContext('nag') !== 'false') {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}

new LicensingStack(app, stackNameFor(config.stage), {
  config,
  description: `MPA licensing upload service, stage ${config.stage}`,
  terminationProtection: config.deletionProtection,
});

app.synth();
