/** PUT /v1/usage-collection: the MPA admin's opt-in/out; opting out deletes the optional data. */
import { usageCollectionRequest } from '../domain/installs.js';
import { httpHandler } from '../http/httpHandler.js';
import { jsonBody } from '../http/jsonBody.js';
import { jsonResponse } from '../http/response.js';
import { parseRequest } from '../http/parseRequest.js';
import { setUsageCollection } from '../services/usageCollection.js';

export const handler = httpHandler('putUsageCollection', async ({ event, caller, clients }) => {
  const { enabled } = parseRequest(usageCollectionRequest, jsonBody(event));
  return jsonResponse(200, await setUsageCollection(clients, caller.installId, enabled));
});
