/** The receipt of an accepted upload (DESIGN.md §3). */
import type { QueryType } from './queries/index.js';

export interface Receipt {
  uploadId: string;
  installId: string;
  queryType: QueryType;
  /** The snapshot's collectedAt, normalized to a UTC instant. */
  collectedAt: string;
  recordCount: number;
  /** SHA-256 (hex) of the JSON body as sent, after any Content-Encoding is removed. */
  sha256: string;
  duplicate: boolean;
}

/** The receipt with its fields in the contract's order (stored maps come back unordered). */
export function receiptOf(stored: Omit<Receipt, 'duplicate'>, duplicate: boolean): Receipt {
  return {
    uploadId: stored.uploadId,
    installId: stored.installId,
    queryType: stored.queryType,
    collectedAt: stored.collectedAt,
    recordCount: stored.recordCount,
    sha256: stored.sha256,
    duplicate,
  };
}
