/**
 * The esbuild settings every function is bundled with, in esbuild's own terms and free of CDK:
 * lambda-defaults.ts hands them to NodejsFunction, and the benchmark (bench/init.ts) bundles
 * with them without loading aws-cdk-lib.
 *
 * The AWS SDK v3 is bundled, not taken from the runtime: the runtime's copy changes without
 * notice, and bundling pins the exact versions from package-lock.json that the tests ran
 * against; tree-shaking of the ESM builds (mainFields module first) keeps that cheap.
 */

/** Node.js 24 (the runtime the code is written and tested for). */
const nodeTarget = 'node24';

/**
 * ESM bundles can still contain CommonJS dependencies (parts of the AWS SDK, yauzl) that call
 * `require`; this banner gives them one.
 */
export const esmRequireBanner = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

export const functionBundleOptions = {
  format: 'esm',
  target: nodeTarget,
  mainFields: ['module', 'main'],
  minify: true,
  charset: 'utf8',
  banner: esmRequireBanner,
} as const;
