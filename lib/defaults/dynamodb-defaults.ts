/** Secure defaults for DynamoDB tables: on-demand, point-in-time recovery, encryption, deletion protection. */
import type { RemovalPolicy } from 'aws-cdk-lib';
import { BillingMode, TableEncryption, type TableProps } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';

export interface SecureTableOptions {
  deletionProtection: boolean;
  removalPolicy: RemovalPolicy;
  /** Customer-managed KMS key; default the AWS-managed key aws/dynamodb. */
  encryptionKey?: IKey | undefined;
}

export function secureTableProps(options: SecureTableOptions): Omit<TableProps, 'partitionKey'> {
  return {
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: options.deletionProtection,
    removalPolicy: options.removalPolicy,
    ...(options.encryptionKey
      ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: options.encryptionKey }
      : { encryption: TableEncryption.AWS_MANAGED }),
  };
}
