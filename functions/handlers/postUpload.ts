/** POST /v1/uploads/{queryType}: one query result, JSON, optionally gzip. */
import { directUploadLimits, parseContentEncoding, requireJsonContentType } from '../domain/uploadBody.js';
import { uploadBodyHint } from '../domain/uploadHints.js';
import { httpHandler } from '../http/httpHandler.js';
import { bodyBytes, header, queryTypeFromPath } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import { acceptReceivedUpload } from '../services/acceptUpload.js';

export const handler = httpHandler('postUpload', async ({ event, caller, now, clients }) => {
  const queryType = queryTypeFromPath(event);
  requireJsonContentType(header(event, 'content-type'));
  const encoding = parseContentEncoding(header(event, 'content-encoding'));
  const sent = bodyBytes(event);
  // A CSV, a bare array, gzip without its header, a zip: say what to do, not where parsing broke.
  const hint = uploadBodyHint(sent, encoding);
  if (hint) throw hint;
  const { receipt, status } = await acceptReceivedUpload(clients, {
    installId: caller.installId,
    customerId: caller.customerId,
    queryType,
    sent,
    encoding,
    limits: directUploadLimits,
    now,
  });
  return jsonResponse(status, receipt, status === 201 ? { location: `/v1/uploads/${receipt.uploadId}` } : {});
});
