/**
 * Storage: the one DynamoDB table (built from functions/store/tableDefinition.ts, so the
 * stack and the local emulator cannot drift apart), the raw archive bucket, and the bucket
 * receiving the S3 server access logs of all buckets.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket, BucketEncryption, StorageClass } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { table as tableDefinition, tableIndexes } from '../../functions/store/tableDefinition.js';
import type { StageConfig } from '../config.js';
import { secureTableProps } from '../defaults/dynamodb-defaults.js';
import { secureKeyProps } from '../defaults/kms-defaults.js';
import { abortIncompleteMultipartAfter, secureBucketProps } from '../defaults/s3-defaults.js';

export interface StorageProps {
  config: StageConfig;
}

export class Storage extends Construct {
  readonly table: Table;
  readonly rawBucket: Bucket;
  readonly accessLogBucket: Bucket;
  /** Customer-managed key of table and data buckets (config customerManagedKey). */
  readonly dataKey: Key | undefined;
  readonly removalPolicy: RemovalPolicy;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const { config } = props;
    this.removalPolicy = config.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.dataKey = config.customerManagedKey
      ? new Key(this, 'DataKey', secureKeyProps(`MPA licensing ${config.stage}: table and upload buckets`, this.removalPolicy))
      : undefined;

    this.table = new Table(this, 'Table', {
      ...secureTableProps({
        deletionProtection: config.deletionProtection,
        removalPolicy: this.removalPolicy,
        encryptionKey: this.dataKey,
      }),
      partitionKey: { name: tableDefinition.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableDefinition.sortKey, type: AttributeType.STRING },
      timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
      // Keys only: the fleet index sync reads what changed, not the items.
      stream: StreamViewType.KEYS_ONLY,
    });
    for (const index of tableIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }

    // Target of S3 server access logs: SSE-S3 is the only encryption S3 log delivery supports.
    this.accessLogBucket = new Bucket(this, 'AccessLogBucket', {
      ...secureBucketProps({ removalPolicy: this.removalPolicy }),
      encryption: BucketEncryption.S3_MANAGED,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(config.accessLogExpiryDays) },
        { id: 'abort-incomplete-multipart', abortIncompleteMultipartUploadAfter: abortIncompleteMultipartAfter },
      ],
    });
    Validations.of(this.accessLogBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket is the destination of the server access logs of the raw and incoming buckets; ' +
        'logging it into itself would loop and into another bucket would only move the finding.',
    });

    // Raw archive: immutable gzip JSON under Hive-style keys (DESIGN.md §6), queried rarely (Athena).
    this.rawBucket = new Bucket(this, 'RawBucket', {
      ...secureBucketProps({ removalPolicy: this.removalPolicy, encryptionKey: this.dataKey }),
      versioned: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'raw/',
      lifecycleRules: [
        {
          id: 'colder-tiers',
          transitions: [
            { storageClass: StorageClass.INTELLIGENT_TIERING, transitionAfter: Duration.days(config.rawIntelligentTieringAfterDays) },
            { storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(config.rawGlacierIrAfterDays) },
          ],
        },
        {
          // Overwritten or deleted objects (e.g. an opt-out) do not linger as old versions.
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(config.rawNoncurrentVersionExpiryDays),
          abortIncompleteMultipartUploadAfter: abortIncompleteMultipartAfter,
        },
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
    });
  }
}
