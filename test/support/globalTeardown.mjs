import { tsImport } from 'tsx/esm/api';

export default async function globalTeardown() {
  const { stopTestEmulators } = await tsImport('./testEmulators.ts', import.meta.url);
  await stopTestEmulators();
}
