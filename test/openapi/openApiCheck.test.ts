/**
 * The check every HTTP answer goes through (test/support/openApiCheck.ts), and the documented
 * request and summary schemas against real data: a sample upload of every query type and
 * the summary the service makes of it.
 */
import { componentNameOf } from '../../functions/api/components.js';
import { uploadBodies } from '../../functions/api/requestSchemas.js';
import { summarySchemas } from '../../functions/api/summarySchemas.js';
import { makeProblem } from '../../functions/domain/problems.js';
import { queryTypes } from '../../functions/domain/queries/index.js';
import { validateUpload } from '../../functions/domain/validateUpload.js';
import { sampleUpload } from '../../functions/samples/sampleUploads.js';
import { checkAgainstSchemaAt, checkResponseAgainstOpenApi as check } from '../support/openApiCheck.js';

const json = 'application/json';
const problemJson = 'application/problem+json';
const installId = '4f2c6a4e-8a1b-4c1e-9a2b-3c4d5e6f7a8b';
const receipt = {
  uploadId: '0b6f8a52-3f4e-4d7a-9c1b-2a3b4c5d6e7f',
  installId,
  queryType: 'devices',
  collectedAt: '2026-11-28T02:00:00.000Z',
  recordCount: 3,
  sha256: 'a'.repeat(64),
  duplicate: false,
};

describe('checkResponseAgainstOpenApi', () => {
  it('accepts documented answers', () => {
    check('POST', '/v1/uploads/devices', 201, json, receipt);
    check('GET', `/v1/installs/${installId}/uploads?limit=2`, 200, 'application/json; charset=utf-8', { items: [receipt], nextCursor: null });
    check('GET', `/v1/installs/${installId}`, 404, problemJson, makeProblem('not_found', 'There is no install.'));
    check('GET', '/health', 200, json, { status: 'ok' });
  });

  it('refuses a status the operation does not document', () => {
    expect(() => check('GET', '/health', 201, json, { status: 'ok' })).toThrow(/lists no 201 for GET \/health/);
  });

  it('refuses an undocumented media type', () => {
    expect(() => check('GET', `/v1/installs/${installId}`, 404, json, makeProblem('not_found', 'x'))).toThrow(/lists application\/problem\+json/);
  });

  it('refuses a body with a field the contract does not list, or without one it does', () => {
    expect(() => check('POST', '/v1/uploads/devices', 201, json, { ...receipt, extra: 1 })).toThrow(/must NOT have additional properties 'extra'/);
    const { sha256: _left, ...incomplete } = receipt;
    expect(() => check('POST', '/v1/uploads/devices', 201, json, incomplete)).toThrow(/must have required property 'sha256'/);
  });

  it("refuses a problem code the route does not list for that status", () => {
    expect(() => check('GET', `/v1/installs/${installId}`, 404, problemJson, makeProblem('unknown_query_type', 'x'))).toThrow(/\/code must be equal to one of the allowed values \["not_found"\]/);
  });

  it('holds an unknown route to a problem', () => {
    check('GET', '/v2/anything', 404, problemJson, makeProblem('not_found', 'There is no route.'));
    expect(() => check('GET', '/v2/anything', 404, json, { status: 'ok' })).toThrow(/no route matches/);
    expect(() => check('DELETE', '/health', 404, problemJson, { status: 'ok' })).toThrow(/must have required property/);
  });
});

describe.each(queryTypes)('the documented schemas of %s', (queryType) => {
  const envelope = sampleUpload(queryType, { devices: 30, collectedAt: '2026-11-28T02:00:00Z', seed: 'openapi' });
  const component = (schema: Parameters<typeof componentNameOf>[0]) => ['components', 'schemas', componentNameOf(schema)!];

  it('accept a valid upload', () => {
    checkAgainstSchemaAt(component(uploadBodies[queryType]), envelope, `a sample ${queryType} upload`);
  });

  it("accept the service's summary of it", () => {
    const { summary } = validateUpload(queryType, envelope, { now: new Date('2026-11-28T02:01:00Z') });
    checkAgainstSchemaAt(component(summarySchemas[queryType]), JSON.parse(JSON.stringify(summary)), `the summary of a sample ${queryType} upload`);
  });
});
