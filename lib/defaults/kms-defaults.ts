/** Secure defaults for customer-managed KMS keys. */
import type { RemovalPolicy } from 'aws-cdk-lib';
import type { KeyProps } from 'aws-cdk-lib/aws-kms';

export function secureKeyProps(description: string, removalPolicy: RemovalPolicy): KeyProps {
  return { description, enableKeyRotation: true, removalPolicy };
}
