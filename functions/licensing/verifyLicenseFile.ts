/**
 * The customer's offline check of a license file (DESIGN.md §9): the armored JWS against a JWK
 * Set, with jose. Only EdDSA over a key of the set is accepted (never `alg: none`, never a key
 * the file brings itself), the header must be exactly the license file's, and the file must be
 * valid at the time of the check and, when asked, issued for the install at hand.
 */
import { createLocalJWKSet, decodeProtectedHeader, errors, type JSONWebKeySet, jwtVerify } from 'jose';
import { type Acknowledgement, LICENSE_ISSUER, LICENSE_TYPE, type LicenseEntitlement, unarmor } from '../domain/licenseFiles.js';

export interface VerifiedLicense {
  kid: string;
  installId: string;
  customerId: string;
  licenseFileId: string;
  issuedAt: string;
  notBefore: string;
  expiresAt: string;
  nextReportDue: string;
  entitlements: LicenseEntitlement[];
  acknowledges: Acknowledgement[];
}

export type Verification = { valid: true; license: VerifiedLicense } | { valid: false; reason: string };

const iso = (seconds: unknown) => (typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : String(seconds));
const refused = (reason: string): Verification => ({ valid: false, reason });

/** Verifies the text of a license file against `jwks` at `now`; `installId`: it must be this install's. */
export async function verifyLicenseFile(text: string, jwks: JSONWebKeySet, options: { now?: Date; installId?: string } = {}): Promise<Verification> {
  const jws = unarmor(text);
  if (!jws) return refused('not an MPA license file (no BEGIN/END MPA LICENSE FILE lines)');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    return refused('malformed: the JWS protected header cannot be read');
  }
  if (header.alg !== 'EdDSA') return refused(`the algorithm is ${JSON.stringify(header.alg ?? null)}, not EdDSA: refused`);
  if (header.typ !== LICENSE_TYPE) return refused(`the header's typ is ${JSON.stringify(header.typ ?? null)}, not ${LICENSE_TYPE}`);
  const extra = Object.keys(header).filter((name) => !['alg', 'kid', 'typ'].includes(name));
  if (extra.length > 0) return refused(`the header carries unexpected members: ${extra.join(', ')}`);
  if (typeof header.kid !== 'string' || !jwks.keys.some((key) => key.kid === header.kid)) {
    return refused(`unknown kid ${JSON.stringify(header.kid ?? null)}: no key of the JWKS has it`);
  }
  const now = options.now ?? new Date();
  try {
    const { payload } = await jwtVerify(jws, createLocalJWKSet(jwks), {
      algorithms: ['EdDSA'],
      issuer: LICENSE_ISSUER,
      typ: LICENSE_TYPE,
      currentDate: now,
      requiredClaims: ['sub', 'jti', 'iat', 'nbf', 'exp'],
    });
    // requiredClaims: jwtVerify refuses a payload without these.
    const { sub: installId, jti: licenseFileId } = payload;
    if (installId === undefined || licenseFileId === undefined) return refused('the claims sub and jti are required');
    if (options.installId !== undefined && payload.sub !== options.installId) {
      return refused(`issued for another install: ${payload.sub}, not ${options.installId}`);
    }
    return {
      valid: true,
      license: {
        kid: header.kid,
        installId,
        customerId: String(payload.customerId),
        licenseFileId,
        issuedAt: iso(payload.iat),
        notBefore: iso(payload.nbf),
        expiresAt: iso(payload.exp),
        nextReportDue: String(payload.nextReportDue),
        entitlements: (payload.entitlements ?? []) as LicenseEntitlement[],
        acknowledges: (payload.acknowledges ?? []) as Acknowledgement[],
      },
    };
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed) return refused('bad signature: the file was changed or not signed by this key');
    if (error instanceof errors.JWTExpired) return refused(`expired at ${iso(error.payload.exp)}`);
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf') return refused(`not yet valid: valid from ${iso(error.payload.nbf)}`);
    if (error instanceof errors.JWTClaimValidationFailed) return refused(`claim ${error.claim}: ${error.message}`);
    if (error instanceof errors.JWKSNoMatchingKey) return refused(`unknown kid ${JSON.stringify(header.kid)}: no usable key of the JWKS has it`);
    if (error instanceof errors.JOSEError) return refused(`malformed: ${error.message}`);
    throw error;
  }
}
