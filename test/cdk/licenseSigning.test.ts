/**
 * The license signing key in the template (DESIGN.md §9): an Ed25519 KMS key made by the stack,
 * that only the issuing function's role may sign with (key policy and IAM alike), whose id only
 * that function is given; the JWKS function reads the table, not KMS, and is public.
 */
import { handlerProfiles } from '../../lib/handlerProfiles.js';
import { removeSynthOutputs, synth } from './support/synth.js';
import { actionsOf, functionsByHandler, idOf, ofType, referencedIds, type Resources, resourcesOf, roleOfFunction, roleStatements } from './support/template.js';

afterAll(removeSynthOutputs);

const { json } = synth({ context: { stage: 'prod', customerManagedKey: 'true' } });
const resources = json.Resources as Resources;
const fns = functionsByHandler(resources);
const signingKeyId = idOf(resources, 'AWS::KMS::Key', 'LicenseSigningKey');
const issuerRole = roleOfFunction(fns.get('postLicenseFile')![1]);

/** Whether an action pattern of a policy covers `action` (`kms:*`, `kms:Sign*`, `*`). */
const covers = (pattern: string, action: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action);

test('a KMS key of spec ECC_NIST_EDWARDS25519 for signing, with an alias', () => {
  expect(resources[signingKeyId]!.Properties).toMatchObject({ KeySpec: 'ECC_NIST_EDWARDS25519', KeyUsage: 'SIGN_VERIFY', EnableKeyRotation: false });
  const [, alias] = ofType(resources, 'AWS::KMS::Alias').find(([, a]) => referencedIds(a.Properties.TargetKeyId).has(signingKeyId))!;
  expect(alias.Properties.AliasName).toBe('alias/mpa-licensing-prod-license-signing');
});

test('its key policy lets the account administer it and only the issuing role sign with it', () => {
  const statements = resources[signingKeyId]!.Properties.KeyPolicy.Statement as { Sid: string; Effect: string; Action: string | string[]; Principal: unknown }[];
  const signers = statements.filter((s) => s.Effect === 'Allow' && actionsOf(s as never).some((a) => covers(a, 'kms:Sign')));
  expect(signers.map((s) => s.Sid)).toEqual(['IssuerSigns']);
  expect([...referencedIds(signers[0]!.Principal)]).toEqual([issuerRole]);
  expect(actionsOf(signers[0] as never).sort()).toEqual(['kms:GetPublicKey', 'kms:Sign']);
  const account = statements.find((s) => s.Sid === 'AccountAdministers')!;
  for (const use of ['kms:Sign', 'kms:Verify', 'kms:Encrypt', 'kms:Decrypt']) expect(actionsOf(account as never).some((a) => covers(a, use))).toBe(false);
});

test('no role but the issuing function may sign with any key, and only that function has the key id', () => {
  const signingRoles = [...fns.entries()].flatMap(([handler, [, fn]]) => {
    const statements = roleStatements(resources, roleOfFunction(fn));
    return statements.some((s) => actionsOf(s).some((a) => covers(a, 'kms:Sign'))) ? [handler] : [];
  });
  expect(signingRoles).toEqual(['postLicenseFile']);
  const grant = roleStatements(resources, issuerRole).filter((s) => actionsOf(s).includes('kms:Sign'));
  expect(grant).toHaveLength(1);
  expect(resourcesOf(grant[0]!).flatMap((r) => [...referencedIds(r)])).toEqual([signingKeyId]);
  const withKeyId = [...fns.entries()].filter(([, [, fn]]) => fn.Properties.Environment?.Variables?.LICENSE_SIGNING_KEY_ID !== undefined).map(([h]) => h);
  expect(withKeyId).toEqual(['postLicenseFile']);
  expect(referencedIds(fns.get('postLicenseFile')![1].Properties.Environment.Variables.LICENSE_SIGNING_KEY_ID)).toEqual(new Set([signingKeyId]));
  expect(Object.entries(handlerProfiles).filter(([, p]) => p.licenseKey === 'sign').map(([h]) => h)).toEqual(['postLicenseFile']);
});

test('the JWKS function reads the table, and has no KMS action on the signing key', () => {
  const statements = roleStatements(resources, roleOfFunction(fns.get('getJwks')![1]));
  const onSigningKey = statements.filter((s) => resourcesOf(s).some((r) => referencedIds(r).has(signingKeyId)));
  expect(onSigningKey).toEqual([]);
  expect(statements.some((s) => actionsOf(s).includes('dynamodb:Query'))).toBe(true);
  expect(statements.some((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:Put') || a.startsWith('dynamodb:Update')))).toBe(false);
});
