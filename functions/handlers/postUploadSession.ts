/** POST /v1/upload-sessions: a presigned PUT for a query result or a bundle too large to POST. */
import { httpHandler } from '../http/httpHandler.js';
import { parseRequest } from '../http/parseRequest.js';
import { jsonBody } from '../http/jsonBody.js';
import { jsonResponse } from '../http/response.js';
import { createUploadSession } from '../services/uploadSessions.js';
import { uploadSessionRequest } from '../sessions/request.js';

export const handler = httpHandler('postUploadSession', async ({ event, caller, now, clients }) => {
  const request = parseRequest(uploadSessionRequest, jsonBody(event));
  const session = await createUploadSession(clients, { installId: caller.installId, request, now });
  return jsonResponse(201, session, { location: `/v1/uploads/${session.uploadId}` });
});
