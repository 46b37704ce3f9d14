/** `npm run openapi`: writes the generated OpenAPI document to docs/openapi.json. */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CHECKED_IN_PATH, openApiJson } from '../functions/api/openApiDocument.js';

const target = fileURLToPath(new URL(`../${CHECKED_IN_PATH}`, import.meta.url));
await writeFile(target, openApiJson());
console.log(`wrote ${CHECKED_IN_PATH}`);
