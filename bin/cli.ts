#!/usr/bin/env -S node --import tsx
/**
 * `npx mpa-licensing …` (from the project folder): the command line of the service. Node 24
 * runs the TypeScript through tsx; the commands are in functions/cli/. `npx mpa-licensing
 * --help` lists them.
 */
import { runCli } from '../functions/cli/main.js';

process.exitCode = await runCli(process.argv.slice(2));
