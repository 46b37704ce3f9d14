/**
 * The authorization matrix: every route of the route table × every kind of caller, with the
 * expected status derived from the route's roles, so a new route is covered the moment it is
 * added (and fails here until it has a request fixture). Install-owned resources have a
 * small table of what another install gets; the test requires it for every route open to
 * installs. While the matrix runs, everything written to stdout, stderr, the console and
 * the server's request log is captured: no API key, nor its SHA-256, may appear in it.
 */
import { hashApiKey } from '../../functions/domain/apiKeys.js';
import { type HandlerName, type Role, routes } from '../../functions/routes.js';
import { type Capture, captureOutput } from '../support/captureOutput.js';
import type { TestApi, TestInstall } from '../support/localApi.js';

// The handlers' logger decides its level when it is built (jest's default: silent), and resets
// to it on every invocation: so it is built at DEBUG here, before anything imports it.
process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
const { sampleBundle } = await import('../support/bundles.js');
const { injectFaults } = await import('../support/faults.js');
const { call, clients, createTestInstall, sample, startTestApi, staffKey, upload } = await import('../support/localApi.js');
const { minutesAgo } = await import('../support/time.js');
const { issueLicenseFile, uploadEveryType } = await import('../support/licensing.js');

const callers = ['no key', 'malformed key', 'unknown key', 'revoked key', 'install A', 'install B', 'staff'] as const;
type CallerName = (typeof callers)[number];

interface World {
  a: TestInstall;
  b: TestInstall;
  /** An install whose key the matrix rotates (never A's or B's). */
  spare: TestInstall;
  /** An install the matrix deletes. */
  doomed: TestInstall;
  /** A named staff key the matrix revokes. */
  doomedStaffKeyId: string;
  uploadOfA: string;
  bundleOfA: Buffer;
  /** A license file of install A (B has one too, for GET /v1/license-file). */
  licenseFileOfA: string;
  keys: Record<CallerName, string | undefined>;
}

interface Request {
  path: string;
  body?: { raw: Buffer | string; contentType: string };
}

/** Who may see or act on what a route names. */
type Scope =
  /** The route acts on the calling install itself (its uploads, its opt-out). */
  | 'caller'
  /** The route names install A's resource: another install gets `otherInstall`. */
  | { owner: 'install A'; otherInstall: number };

interface Fixture {
  request(world: World): Request;
  /** The status when the caller may use the route. */
  allowed: number;
  /** Required for every route open to installs. */
  scope?: Scope;
}

let collected = 0;
let entitlements = 0;
const MATRIX_DELETED = 'matrix-deleted';
const json = (value: unknown) => ({ raw: JSON.stringify(value), contentType: 'application/json' });

/** One request per route handler; a Record, so a handler without one does not compile. */
const fixtures: Record<HandlerName, Fixture> = {
  health: { request: () => ({ path: '/health' }), allowed: 200 },
  getOpenApi: { request: () => ({ path: '/v1/openapi.json' }), allowed: 200 },
  postUpload: {
    // A new snapshot each time, so every allowed call is a 201.
    request: () => ({ path: '/v1/uploads/user-counts', body: json(sample('user-counts', { collectedAt: minutesAgo(200 + ++collected) })) }),
    allowed: 201,
    scope: 'caller',
  },
  getUpload: { request: (w) => ({ path: `/v1/uploads/${w.uploadOfA}` }), allowed: 200, scope: { owner: 'install A', otherInstall: 404 } },
  putUsageCollection: { request: () => ({ path: '/v1/usage-collection', body: json({ enabled: true }) }), allowed: 200, scope: 'caller' },
  postInstall: { request: () => ({ path: '/v1/installs', body: json({ customerId: 'authz-matrix', name: 'Created by the matrix' }) }), allowed: 201 },
  postInstallKey: { request: (w) => ({ path: `/v1/installs/${w.spare.installId}/keys` }), allowed: 201 },
  getInstall: { request: (w) => ({ path: `/v1/installs/${w.a.installId}` }), allowed: 200 },
  listInstallUploads: { request: (w) => ({ path: `/v1/installs/${w.a.installId}/uploads` }), allowed: 200 },
  getCustomerLicenseState: { request: (w) => ({ path: `/v1/customers/${w.a.customerId}/license-state` }), allowed: 200 },
  getExpiringReport: { request: () => ({ path: '/v1/reports/expiring' }), allowed: 200 },
  getStaleReport: { request: () => ({ path: '/v1/reports/stale' }), allowed: 200 },
  getDuplicateIdentifiersReport: { request: () => ({ path: '/v1/reports/duplicate-identifiers' }), allowed: 200 },
  getVersionsReport: { request: () => ({ path: '/v1/reports/versions' }), allowed: 200 },
  postUploadSession: { request: () => ({ path: '/v1/upload-sessions', body: json({ kind: 'query', queryType: 'devices', contentLength: 1000 }) }), allowed: 201, scope: 'caller' },
  // Install A's bundle: its own install and staff may post it; another install may not.
  postBundle: { request: (w) => ({ path: '/v1/bundles', body: { raw: w.bundleOfA, contentType: 'application/zip' } }), allowed: 201, scope: { owner: 'install A', otherInstall: 403 } },
  // A new entitlement id each time, so every allowed call is a 201.
  putEntitlement: {
    request: (w) => ({
      path: `/v1/customers/${w.a.customerId}/entitlements/matrix-${++entitlements}`,
      body: json({ item: 'IPT users', quantity: 10, termStart: '2026-01-01', termEnd: null }),
    }),
    allowed: 201,
  },
  listEntitlements: { request: (w) => ({ path: `/v1/customers/${w.a.customerId}/entitlements` }), allowed: 200 },
  // Created before the matrix runs; only the staff call (the one allowed) removes it.
  deleteEntitlement: { request: (w) => ({ path: `/v1/customers/${w.a.customerId}/entitlements/${MATRIX_DELETED}` }), allowed: 204 },
  getCustomerCompliance: { request: (w) => ({ path: `/v1/customers/${w.a.customerId}/compliance` }), allowed: 200 },
  getOverDeploymentReport: { request: () => ({ path: '/v1/reports/over-deployment' }), allowed: 200 },
  // Another validDays each time: a changed request, so every allowed call issues a new file.
  postLicenseFile: { request: (w) => ({ path: `/v1/installs/${w.a.installId}/license-files`, body: json({ validDays: 100 + ++collected }) }), allowed: 201 },
  listLicenseFiles: { request: (w) => ({ path: `/v1/installs/${w.a.installId}/license-files` }), allowed: 200 },
  getLicenseFile: { request: (w) => ({ path: `/v1/license-files/${w.licenseFileOfA}` }), allowed: 200, scope: { owner: 'install A', otherInstall: 404 } },
  // The caller's own newest file: A and B both have one.
  getOwnLicenseFile: { request: () => ({ path: '/v1/license-file' }), allowed: 200, scope: 'caller' },
  getJwks: { request: () => ({ path: '/.well-known/jwks.json' }), allowed: 200 },
  listCustomers: { request: () => ({ path: '/v1/customers?prefix=cust-' }), allowed: 200 },
  listInstalls: { request: (w) => ({ path: `/v1/installs?customerId=${w.a.customerId}` }), allowed: 200 },
  patchInstall: { request: (w) => ({ path: `/v1/installs/${w.spare.installId}`, body: json({ name: `Renamed by the matrix ${++collected}` }) }), allowed: 200 },
  // Deleting is idempotent: a second delete of the same install answers 204 too.
  deleteInstall: { request: (w) => ({ path: `/v1/installs/${w.doomed.installId}` }), allowed: 204 },
  postStaffKey: { request: () => ({ path: '/v1/staff-keys', body: json({ name: `matrix-${process.pid}-${++collected}` }) }), allowed: 201 },
  listStaffKeys: { request: () => ({ path: '/v1/staff-keys' }), allowed: 200 },
  deleteStaffKey: { request: (w) => ({ path: `/v1/staff-keys/${w.doomedStaffKeyId}` }), allowed: 204 },
  getDigestReport: { request: () => ({ path: '/v1/reports/digest' }), allowed: 200 },
  getAudit: { request: (w) => ({ path: `/v1/audit?target=install/${w.a.installId}` }), allowed: 200 },
};

const knownRoles = new Set<Role>(['install', 'staff']);

/** The expected status of a route for a caller, from the route's roles and its fixture. */
function expected(route: (typeof routes)[number], caller: CallerName): number {
  const fixture = fixtures[route.handler];
  const roles = route.roles as readonly Role[];
  for (const role of roles) if (!knownRoles.has(role)) throw new Error(`no expectation rule for role ${role} of ${route.method} ${route.path}`);
  if (roles.length === 0) return fixture.allowed;
  switch (caller) {
    case 'no key':
    case 'malformed key':
    case 'unknown key':
    case 'revoked key':
      return 401;
    case 'staff':
      return roles.includes('staff') ? fixture.allowed : 403;
    case 'install A':
      return roles.includes('install') ? fixture.allowed : 403;
    case 'install B': {
      if (!roles.includes('install')) return 403;
      const scope = fixture.scope!;
      return scope === 'caller' ? fixture.allowed : scope.otherInstall;
    }
  }
}

let api: TestApi;
let world: World;
let capture: Capture | undefined;

beforeAll(async () => {
  api = await startTestApi({ log: (line) => capture?.line(line) });
  const [a, b, spare, revoked, doomed] = [await createTestInstall(api), await createTestInstall(api), await createTestInstall(api), await createTestInstall(api), await createTestInstall(api)];
  const doomedStaffKey = await call(api, 'POST', '/v1/staff-keys', { key: staffKey(), body: { name: `matrix-doomed-${process.pid}` } });
  expect(doomedStaffKey.status).toBe(201);
  const rotated = await call(api, 'POST', `/v1/installs/${revoked.installId}/keys`, { key: staffKey() });
  expect(rotated.status).toBe(201);
  const entitlement = { item: 'IPT users', quantity: 1, termStart: '2026-01-01', termEnd: null };
  expect((await call(api, 'PUT', `/v1/customers/${a.customerId}/entitlements/${MATRIX_DELETED}`, { key: staffKey(), body: entitlement })).status).toBe(201);
  const first = await upload(api, a, 'devices', sample('devices', { collectedAt: minutesAgo(100) }));
  expect(first.status).toBe(201);
  // Reports in for A and B, and a license file each.
  const licenseFiles: string[] = [];
  for (const install of [a, b]) {
    await uploadEveryType(api, install, minutesAgo(60));
    const issued = await issueLicenseFile(api, install.installId);
    expect(issued.status).toBe(201);
    licenseFiles.push(issued.body.licenseFileId);
  }
  world = {
    a,
    b,
    spare,
    doomed,
    doomedStaffKeyId: doomedStaffKey.body.keyId,
    uploadOfA: first.body.uploadId,
    bundleOfA: await sampleBundle({ installId: a.installId, collectedAt: minutesAgo(90), queryTypes: ['licensing-counts'] }),
    licenseFileOfA: licenseFiles[0]!,
    keys: {
      'no key': undefined,
      'malformed key': 'not-a-key',
      'unknown key': `mpai_${'Q'.repeat(43)}`,
      'revoked key': revoked.apiKey,
      'install A': a.apiKey,
      'install B': b.apiKey,
      staff: staffKey(),
    },
  };
});
afterAll(async () => {
  delete process.env.POWERTOOLS_LOG_LEVEL;
  await api.close();
});

it('every route has a request fixture, and every route open to installs says whose resource it names', () => {
  const missing = routes.filter((route) => fixtures[route.handler] === undefined).map((r) => `${r.method} ${r.path}`);
  expect(missing).toEqual([]);
  const unscoped = routes.filter((route) => (route.roles as readonly Role[]).includes('install') && fixtures[route.handler].scope === undefined).map((r) => `${r.method} ${r.path}`);
  expect(unscoped).toEqual([]);
  expect(Object.keys(fixtures).sort()).toEqual([...new Set(routes.map((r) => r.handler))].sort());
});

describe('keys never reach the logs', () => {
  const issued: string[] = [];

  it('runs the matrix: every route × every caller answers as its roles say', async () => {
    capture = captureOutput();
    const rows: string[] = [];
    try {
      for (const route of routes) {
        for (const caller of callers) {
          const { path, body } = fixtures[route.handler].request(world);
          const answer = await call(api, route.method, path, {
            key: world.keys[caller],
            ...(body ? { raw: body.raw, headers: { 'content-type': body.contentType } } : {}),
          });
          if (typeof answer.body?.apiKey === 'string') issued.push(answer.body.apiKey);
          const want = expected(route, caller);
          if (answer.status !== want) rows.push(`${route.method} ${route.path} as ${caller}: ${answer.status}, expected ${want} (${answer.body?.code ?? ''})`);
        }
      }
      // A failure on the way: its error is logged (by the handler wrapper) with the key in the request.
      const faults = injectFaults(clients(), [{ command: 'QueryCommand' }]);
      const failed = await call(api, 'GET', `/v1/installs/${world.a.installId}/uploads`, { key: staffKey() }).finally(faults.remove);
      expect(failed.status).toBe(500);
      expect(faults.calls.QueryCommand).toBe(1);
    } finally {
      capture.restore();
    }
    expect(rows).toEqual([]);
  });

  it('no API key, nor its SHA-256, appears in anything written while the matrix ran', () => {
    const text = capture!.text();
    // The capture saw the run: one request-log line per call at least.
    expect(text.split('\n').filter((line) => /^(GET|POST|PUT|PATCH|DELETE) \//.test(line)).length).toBeGreaterThanOrEqual(routes.length * callers.length);
    // ...and the handlers' structured logs, the failure's error included.
    expect(text).toMatch(/"message":"unhandled error"/);
    const secrets = [...Object.values(world.keys).filter((k): k is string => k !== undefined && k.length > 0), ...issued];
    expect(secrets.length).toBeGreaterThanOrEqual(callers.length - 1 + 2);
    const leaks = secrets.flatMap((key) => [key, hashApiKey(key)]).filter((secret) => text.includes(secret));
    expect(leaks).toEqual([]);
  });
});
