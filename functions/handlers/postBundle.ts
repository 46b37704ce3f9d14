/** POST /v1/bundles: an offline bundle (zip), for installs (their own) and staff (any registered install's). */
import { directBundleLimits } from '../bundles/limits.js';
import { zipFromBuffer } from '../bundles/zipReader.js';
import { ProblemError } from '../domain/problems.js';
import { directUploadLimits, parseContentEncoding } from '../domain/uploadBody.js';
import { httpHandler } from '../http/httpHandler.js';
import { bodyBytes, header } from '../http/request.js';
import { jsonResponse } from '../http/response.js';
import { ingestBundle } from '../services/bundles.js';

export const handler = httpHandler('postBundle', async ({ event, caller, now, clients }) => {
  const mediaType = header(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/zip') {
    throw new ProblemError('unsupported_media_type', `Content-Type must be application/zip${mediaType ? `, not ${mediaType.slice(0, 100)}` : ''}.`);
  }
  if (parseContentEncoding(header(event, 'content-encoding')) !== 'identity') {
    throw new ProblemError('unsupported_media_type', 'A bundle is already compressed: send it without Content-Encoding.');
  }
  const zip = bodyBytes(event);
  if (zip.length > directUploadLimits.maxSentBytes) {
    throw new ProblemError('payload_too_large', `The bundle is ${zip.length} bytes; at most ${directUploadLimits.maxSentBytes} may be sent directly (use an upload session of kind "bundle").`);
  }
  const outcome = await ingestBundle(clients, {
    zip: zipFromBuffer(zip),
    uploaderInstallId: caller.role === 'install' ? caller.installId! : undefined,
    uploaderCustomerId: caller.role === 'install' ? caller.customerId : undefined,
    now,
    limits: directBundleLimits,
  });
  return jsonResponse(201, outcome);
});
