/** POST /v1/bundles: an offline bundle (zip), for installs (their own) and staff (any registered install's). */
import { directBundleLimits } from '../bundles/limits.js';
import { zipFromBuffer } from '../bundles/zipReader.js';
import { ProblemError } from '../domain/problems.js';
import { DIRECT_BODY_MAX_BYTES, parseContentEncoding, tooLargeForDirectDetail } from '../domain/uploadBody.js';
import { httpHandler } from '../http/httpHandler.js';
import { actorOf, bodyBytes, header } from '../http/request.js';
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
  if (zip.length > DIRECT_BODY_MAX_BYTES) {
    throw new ProblemError('payload_too_large', tooLargeForDirectDetail('The bundle', zip.length, 'bundle'));
  }
  const outcome = await ingestBundle(clients, {
    zip: zipFromBuffer(zip),
    uploaderInstallId: caller.role === 'install' ? caller.installId : undefined,
    uploaderCustomerId: caller.role === 'install' ? caller.customerId : undefined,
    now,
    limits: directBundleLimits,
    // A staff-sent bundle's one audit entry commits with its accepted files (services/bundles.ts).
    auditActor: caller.role === 'staff' ? actorOf(caller) : undefined,
  });
  return jsonResponse(201, outcome);
});
