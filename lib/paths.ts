import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Repository root (the directory holding package.json and package-lock.json). */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** Default location of a handler module: functions/handlers/<name>.ts. */
export const defaultEntryFor = (handlerName: string): string =>
  path.join(projectRoot, 'functions', 'handlers', `${handlerName}.ts`);
