/** GET /v1/installs/{installId} (staff): the install and the latest summary of each query type. */
import { httpHandler } from '../http/httpHandler.js';
import { pathParameter } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import { installView } from '../services/installView.js';

export const handler = httpHandler('getInstall', async ({ event, clients }) => jsonResponse(200, await installView(clients, pathParameter(event, 'installId'))));
