/** Secure defaults for CloudWatch Logs log groups. */
import type { RemovalPolicy } from 'aws-cdk-lib';
import type { LogGroupProps, RetentionDays } from 'aws-cdk-lib/aws-logs';

export function logGroupProps(retentionDays: number, removalPolicy: RemovalPolicy): LogGroupProps {
  return {
    retention: retentionDays as RetentionDays,
    removalPolicy,
  };
}
