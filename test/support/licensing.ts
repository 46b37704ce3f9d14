/**
 * Test helpers of license files: an install's reports in (a sample snapshot of each query
 * type), and issuing a file over the local API.
 */
import { queryTypes, type QueryType } from '../../functions/domain/queries/index.js';
import { call, sample, staffKey, type TestApi, type TestInstall, upload } from './localApi.js';

/** Uploads a sample snapshot of each of `types` (default: all twelve) collected at `collectedAt`; fails on any refusal. */
export async function uploadEveryType(api: TestApi, install: TestInstall, collectedAt: string, types: readonly QueryType[] = queryTypes): Promise<Map<QueryType, { uploadId: string; sha256: string; collectedAt: string }>> {
  const receipts = new Map<QueryType, { uploadId: string; sha256: string; collectedAt: string }>();
  for (const queryType of types) {
    const answer = await upload(api, install, queryType, sample(queryType, { collectedAt }));
    if (answer.status !== 201 && answer.status !== 200) throw new Error(`upload ${queryType}: ${answer.status} ${answer.text}`);
    receipts.set(queryType, { uploadId: answer.body.uploadId, sha256: answer.body.sha256, collectedAt: answer.body.collectedAt });
  }
  return receipts;
}

/** POST /v1/installs/{installId}/license-files as staff. */
export function issueLicenseFile(api: TestApi, installId: string, body: unknown = {}) {
  return call(api, 'POST', `/v1/installs/${installId}/license-files`, { key: staffKey(), body });
}
