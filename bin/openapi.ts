/**
 * `npm run openapi`: writes the generated OpenAPI document to docs/openapi.json, and the copy
 * GET /v1/openapi.json serves to functions/api/openApiJson.generated.ts.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CHECKED_IN_PATH, openApiJson, openApiJsonModule, SERVED_MODULE_PATH } from '../functions/api/openApiDocument.js';

for (const [path, text] of [[CHECKED_IN_PATH, openApiJson()], [SERVED_MODULE_PATH, openApiJsonModule()]] as const) {
  await writeFile(fileURLToPath(new URL(`../${path}`, import.meta.url)), text);
  console.log(`wrote ${path}`);
}
