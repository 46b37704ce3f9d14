/**
 * Secure defaults for S3 buckets: encryption at rest, TLS 1.2+ only, all public access
 * blocked, ACLs disabled (bucket owner enforced).
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, BucketEncryption, type BucketProps, ObjectOwnership } from 'aws-cdk-lib/aws-s3';

export interface SecureBucketOptions {
  removalPolicy: RemovalPolicy;
  /** Customer-managed KMS key; default S3-managed keys (SSE-S3). */
  encryptionKey?: IKey | undefined;
}

export function secureBucketProps(options: SecureBucketOptions): BucketProps {
  return {
    encryption: options.encryptionKey ? BucketEncryption.KMS : BucketEncryption.S3_MANAGED,
    ...(options.encryptionKey ? { encryptionKey: options.encryptionKey, bucketKeyEnabled: true } : {}),
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    removalPolicy: options.removalPolicy,
  };
}

/** Every bucket cleans up parts of multipart uploads that were never completed. */
export const abortIncompleteMultipartAfter = Duration.days(1);
