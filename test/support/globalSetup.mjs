// Jest loads global setup outside its TypeScript transform; tsx imports the TypeScript module.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const { startTestEmulators } = await tsImport('./testEmulators.ts', import.meta.url);
  await startTestEmulators();
}
