/** POST /v1/bundles: an offline bundle (zip), for installs (their own) and staff (any registered install's). */
import { directBundleLimits } from '../bundles/limits.js';
import { zipFromBuffer } from '../bundles/zipReader.js';
import { ProblemError } from '../domain/problems.js';
import { DIRECT_BODY_MAX_BYTES, parseContentEncoding, tooLargeForDirectDetail } from '../domain/uploadBody.js';
import { httpHandler } from '../http/httpHandler.js';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { installTarget } from '../domain/audit.js';
import { actorOf, bodyBytes, header } from '../http/request.js';
import { auditPut } from '../store/audit.js';
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
  });
  const accepted = outcome.results.filter((r) => r.status === 'accepted').map((r) => r.queryType);
  if (caller.role === 'staff' && accepted.length > 0) {
    // Each file commits in a transaction of its own (as a direct upload would), so the bundle's one
    // entry follows them: docs/decisions.md says why it is the one staff write not in its change's transaction.
    const entry = auditPut(clients, { at: now.toISOString(), actor: actorOf(caller), action: 'bundle.upload', target: installTarget(outcome.installId), details: { bundleId: outcome.bundleId, accepted } });
    await clients.ddb.send(new PutCommand(entry.Put));
  }
  return jsonResponse(201, outcome);
});
