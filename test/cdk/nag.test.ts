/**
 * cdk-nag v3 AwsSolutions checks: zero unacknowledged findings, for a production-like stage
 * (WAF, CORS, customer-managed key, alarm e-mail, processor wired) and the dev stage of cdk.json.
 */
import { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { removeSynthOutputs, synth, validationViolations, type Synthesized } from './support/synth.js';


afterAll(removeSynthOutputs);

describe('cdk-nag AwsSolutions', () => {
  const variants: [string, () => Synthesized][] = [
    [
      'prod with CORS, customer-managed key and processor',
      () =>
        synth({
          nag: true,
          context: {
            stage: 'prod',
            allowedOrigins: 'https://licensing.example.com,https://admin.example.com',
            customerManagedKey: 'true',
            alarmEmail: 'ops@example.com',
          },
        }),
    ],
    ['dev (cdk.json defaults: no WAF, no deletion protection)', () => synth({ nag: true, context: { stage: 'dev' } })],
  ];

  test.each(variants)('%s: no unacknowledged findings', (_name, run) => {
    // In-memory synthesis throws on error-level findings; warnings only land in the report.
    const result = run();
    const violations = validationViolations(result.outdir);
    expect(violations).toEqual([]);
  });

  test('canary: an unacknowledged finding fails the synthesis', () => {
    // A raw queue without encryption, DLQ or TLS policy.
    expect(() => synth({ nag: true, context: { stage: 'dev' }, mutate: (stack) => new CfnQueue(stack, 'InsecureCanary') })).toThrow(
      /AwsSolutions-SQS3[\s\S]*InsecureCanary|InsecureCanary[\s\S]*AwsSolutions-SQS3/,
    );
  });
});
