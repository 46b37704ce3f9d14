/** GET /v1/openapi.json: this API as an OpenAPI 3.1 document, built once per container. */
import { openApiDocument, type OpenApiDocument } from '../api/openApiDocument.js';
import { httpHandler } from '../http/httpHandler.js';
import { jsonResponse } from '../http/response.js';

let document: OpenApiDocument | undefined;

export const handler = httpHandler('getOpenApi', async () => jsonResponse(200, (document ??= openApiDocument())));
