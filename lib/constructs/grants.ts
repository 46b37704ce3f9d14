/**
 * Least-privilege grants from a HandlerProfile: explicit action lists on explicit ARNs (the
 * one table and its named indexes, the one raw bucket, the incoming/ prefix of the incoming
 * bucket). No service wildcards (dynamodb:*, s3:*), no `*` actions, no index wildcards.
 */
import { CfnResource, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { AUDIT_PARTITION } from '../../functions/domain/storageKeys.js';
import { tableIndexes } from '../../functions/store/tableDefinition.js';
import type { HandlerProfile, ObjectAccess, TableAccess } from '../handlerProfiles.js';
import type { LicenseSigning } from './licenseSigning.js';

export { INCOMING_PREFIX } from '../../functions/sessions/incomingKeys.js';
import { INCOMING_PREFIX } from '../../functions/sessions/incomingKeys.js';

const tableActions: Record<Exclude<TableAccess, 'none'>, string[]> = {
  getItem: ['dynamodb:GetItem'],
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
  readWrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
};

const objectActions: Record<Exclude<ObjectAccess, 'list'>, string[]> = {
  get: ['s3:GetObject'],
  // PutObject also covers the parts of a multipart upload; aborting one is its own action.
  put: ['s3:PutObject', 's3:AbortMultipartUpload'],
  delete: ['s3:DeleteObject'],
  deleteVersion: ['s3:DeleteObjectVersion'],
};

export interface DataResources {
  table: ITable;
  rawBucket: IBucket;
  incomingBucket: IBucket;
  /** Customer-managed key of table and buckets, when configured. */
  dataKey?: IKey | undefined;
  /** The key that signs license files (profiles with `licenseKey: 'sign'`). */
  licenseSigning?: LicenseSigning | undefined;
}

export function grantProfile(role: IRole, profile: HandlerProfile, data: DataResources): void {
  let kmsRead = false;
  let kmsWrite = false;

  if (profile.table !== 'none') {
    const tableArn = data.table.tableArn;
    const resources =
      profile.table === 'getItem'
        ? [tableArn]
        : [tableArn, ...tableIndexes.map((index) => `${tableArn}/index/${index.indexName}`)];
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'Table', actions: tableActions[profile.table], resources }));
    if (profile.table === 'readWrite' && !profile.auditDelete) {
      // The audit trail is append-only (DESIGN.md §11): no function may change or delete its items;
      // the bundle upload may update (never delete) its bundle's own entry (handlerProfiles.ts auditUpdate).
      role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: 'AuditAppendOnly',
          effect: Effect.DENY,
          actions: profile.auditUpdate ? ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'] : ['dynamodb:DeleteItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
          resources: [tableArn],
          conditions: { 'ForAnyValue:StringEquals': { 'dynamodb:LeadingKeys': [AUDIT_PARTITION] } },
        }),
      );
    }
    kmsRead = true;
    kmsWrite ||= profile.table === 'readWrite';
  }

  const buckets: [string, IBucket, readonly ObjectAccess[] | undefined, string][] = [
    ['Raw', data.rawBucket, profile.raw, '*'],
    ['Incoming', data.incomingBucket, profile.incoming, `${INCOMING_PREFIX}*`],
  ];
  for (const [name, bucket, access, keyPattern] of buckets) {
    if (!access || access.length === 0) continue;
    const actions = access.filter((a) => a !== 'list').flatMap((a) => objectActions[a]);
    if (actions.length > 0) {
      role.addToPrincipalPolicy(
        new PolicyStatement({ sid: `${name}Objects`, actions, resources: [bucket.arnForObjects(keyPattern)] }),
      );
      // cdk-nag reports the object ARN pattern as a wildcard resource; it is inherent to object actions.
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(bucket)}.Arn>/${keyPattern}]`,
        reason:
          `Object-level S3 actions (${actions.join(', ')}) need object ARNs and keys are generated per upload, so the ` +
          `resource is the key pattern ${keyPattern} inside this one bucket; no s3:* action, no other bucket.`,
      });
    }
    if (access.includes('list')) {
      // With deleteVersion (purges): list versions, and GetBucketVersioning to ask whether to.
      const listActions = access.includes('deleteVersion')
        ? ['s3:ListBucket', 's3:ListBucketVersions', 's3:GetBucketVersioning']
        : ['s3:ListBucket'];
      role.addToPrincipalPolicy(new PolicyStatement({ sid: `${name}List`, actions: listActions, resources: [bucket.bucketArn] }));
    }
    kmsRead ||= access.includes('get');
    kmsWrite ||= access.includes('put');
  }

  if (profile.licenseKey === 'sign') {
    if (!data.licenseSigning) throw new Error(`${role.node.path}: a profile with licenseKey 'sign' needs the license signing key`);
    data.licenseSigning.grantSign(role);
  }

  if (data.dataKey && (kmsRead || kmsWrite)) {
    const actions = kmsWrite ? ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt', 'kms:DescribeKey'];
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'DataKey', actions, resources: [data.dataKey.keyArn] }));
  }
}

/** The logical id cdk-nag prints for a bucket's Arn attribute (`<RawBucketXXXX.Arn>`). */
function logicalIdOf(bucket: IBucket): string {
  const cfn = bucket.node.defaultChild;
  if (!(cfn instanceof CfnResource)) throw new Error(`bucket ${bucket.node.path} has no CloudFormation resource`);
  return bucket.stack.resolve(cfn.logicalId) as string;
}
