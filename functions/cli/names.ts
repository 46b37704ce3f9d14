/**
 * Install names for reports that name installs by id only: looked up once per install
 * (GET /v1/installs/{installId}), a few at a time, so every report shows the name next to the id.
 */
import type { ApiClient } from './apiClient.js';

const PARALLEL = 8;

/** The name of each install id ('?' for one that is gone). */
export async function installNames(client: ApiClient, installIds: Iterable<string>): Promise<Map<string, string>> {
  const ids = [...new Set(installIds)];
  const names = new Map<string, string>();
  for (let i = 0; i < ids.length; i += PARALLEL) {
    await Promise.all(
      ids.slice(i, i + PARALLEL).map(async (installId) => {
        try {
          const install = await client.getInstall(installId);
          names.set(installId, String(install.name));
        } catch {
          names.set(installId, '?');
        }
      }),
    );
  }
  return names;
}
