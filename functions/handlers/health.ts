import { httpHandler } from '../http/httpHandler.js';
import { jsonResponse } from '../http/response.js';

export const handler = httpHandler('health', async () => jsonResponse(200, { status: 'ok' }));
