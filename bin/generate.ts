/**
 * `npm run generate` (also `npm run openapi`): writes what is generated from the zod schemas and
 * checked in — the OpenAPI document (docs/openapi.json), the copy GET /v1/openapi.json serves
 * (functions/api/openApiJson.generated.ts), and the record schemas' JSON Schemas the upload
 * functions use (functions/domain/queries/recordSchemas.generated.ts). Tests fail while any of
 * them is out of date.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CHECKED_IN_PATH, openApiJson, openApiJsonModule, SERVED_MODULE_PATH } from '../functions/api/openApiDocument.js';
import { RECORD_SCHEMAS_MODULE_PATH, recordSchemasModule } from '../functions/domain/schemas/recordJsonSchemas.js';

const files = [
  [CHECKED_IN_PATH, openApiJson()],
  [SERVED_MODULE_PATH, openApiJsonModule()],
  [RECORD_SCHEMAS_MODULE_PATH, recordSchemasModule()],
] as const;
for (const [path, text] of files) {
  await writeFile(fileURLToPath(new URL(`../${path}`, import.meta.url)), text);
  console.log(`wrote ${path}`);
}
