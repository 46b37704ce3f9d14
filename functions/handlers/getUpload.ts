/**
 * GET /v1/uploads/{uploadId}: the status of an upload; an install sees only its own.
 * A processed bundle session also shows its `bundle`: the answer POST /v1/bundles would have given.
 */
import { ProblemError } from '../domain/problems.js';
import { receiptOf } from '../domain/receipts.js';
import { httpHandler } from '../http/httpHandler.js';
import { uploadIdFromPath } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import { getUploadSession } from '../store/uploadSessions.js';

export const handler = httpHandler('getUpload', async ({ event, caller, clients }) => {
  const uploadId = uploadIdFromPath(event);
  const upload = /^[A-Za-z0-9-]{1,64}$/.test(uploadId) ? await getUploadSession(clients, uploadId) : undefined;
  // Another install's upload is answered like a missing one: its existence is not disclosed.
  if (!upload || (caller.role === 'install' && upload.installId !== caller.installId)) {
    throw new ProblemError('not_found', `There is no upload '${uploadId.slice(0, 64)}'.`);
  }
  return jsonResponse(200, {
    uploadId: upload.uploadId,
    status: upload.status,
    // duplicate is true only for a session whose snapshot had already been accepted.
    ...(upload.receipt ? { receipt: receiptOf(upload.receipt, upload.receipt.duplicate === true) } : {}),
    ...(upload.problem ? { problem: upload.problem } : {}),
    ...(upload.bundle ? { bundle: upload.bundle } : {}),
  });
});
