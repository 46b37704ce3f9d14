/** GET /v1/staff-keys (staff, DESIGN.md §11): every staff key, never a key or its hash. */
import { httpHandler } from '../http/httpHandler.js';
import { jsonResponse } from '../http/response.js';
import { listStaffKeys } from '../store/staffKeys.js';

export const handler = httpHandler('listStaffKeys', async ({ clients }) => jsonResponse(200, { items: await listStaffKeys(clients) }));
