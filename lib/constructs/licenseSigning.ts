/**
 * The KMS key that signs license files (DESIGN.md §9): Ed25519 (ECC_NIST_EDWARDS25519,
 * SIGN_VERIFY), its private half never leaves KMS. Its key policy lets the account administer
 * it (IAM policies can grant nothing more) and names the one function that may sign: the
 * issuing function's role, granted by its handler profile (`licenseKey: 'sign'`, lib/handlerProfiles.ts).
 * Verifiers need no access: the public keys are published from the table (GET /.well-known/jwks.json).
 */
import type { RemovalPolicy } from 'aws-cdk-lib';
import { AccountRootPrincipal, type IRole, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** What the account may do with the key: administer it, never use it. */
export const KEY_ADMIN_ACTIONS = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];

/** What the issuing function does with it: sign, and read the public key at a cold start. */
export const SIGNING_ACTIONS = ['kms:Sign', 'kms:GetPublicKey'];

export interface LicenseSigningProps {
  stage: string;
  removalPolicy: RemovalPolicy;
}

export class LicenseSigning extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: LicenseSigningProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: `MPA licensing ${props.stage}: signs license files (Ed25519)`,
      keySpec: KeySpec.ECC_NIST_EDWARDS25519,
      keyUsage: KeyUsage.SIGN_VERIFY,
      // Asymmetric keys do not rotate in KMS; a new key is a new kid (docs/licensing.md).
      enableKeyRotation: false,
      alias: `alias/mpa-licensing-${props.stage}-license-signing`,
      removalPolicy: props.removalPolicy,
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'AccountAdministers',
            principals: [new AccountRootPrincipal()],
            actions: KEY_ADMIN_ACTIONS,
            resources: ['*'],
          }),
        ],
      }),
    });
  }

  /** Lets `role` (the issuing function's) sign with the key: in the key policy and the role's policy. */
  grantSign(role: IRole): void {
    this.key.addToResourcePolicy(
      new PolicyStatement({ sid: 'IssuerSigns', principals: [role], actions: SIGNING_ACTIONS, resources: ['*'] }),
    );
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'LicenseSigning', actions: SIGNING_ACTIONS, resources: [this.key.keyArn] }));
  }
}
