/**
 * GET /v1/openapi.json: this API as an OpenAPI 3.1 document, served as generated from the zod
 * schemas by `npm run generate` (functions/api/openApiJson.generated.ts), so the function loads
 * neither zod nor the schemas.
 */
import { openApiJsonText } from '../api/openApiJson.generated.js';
import { staticJsonHandler } from '../http/staticAnswer.js';

export const handler = staticJsonHandler(openApiJsonText);
