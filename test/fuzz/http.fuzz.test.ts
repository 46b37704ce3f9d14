/**
 * The HTTP fuzzer: thousands of hostile requests (./cases.ts; deterministic seed) against
 * the local API over real HTTP, raw bytes where no client would send them. Every answer
 * must be a success or a problem the OpenAPI document describes, never a 5xx; afterwards the
 * server is healthy (health, a normal upload) and Object.prototype is unpolluted.
 *
 * FUZZ_SEED and FUZZ_CASES change the seed (default fixed) and the number of cases (default 2,400).
 */
import { queryTypes } from '../../functions/domain/queries/index.js';
import { checkAgainstSchemaAt, checkResponseAgainstOpenApi } from '../support/openApiCheck.js';
import { createTestInstall, sample, staffKey, startTestApi, type TestApi, upload } from '../support/localApi.js';
import { minutesAgo } from '../support/time.js';
import { type RawResponse, rawRequest, rawSocketRequest } from '../support/rawHttp.js';
import { type FuzzCase, type FuzzContext, fuzzCases, fuzzFamilies } from './cases.js';

const SEED = Number(process.env.FUZZ_SEED ?? 7_042_026);
const CASES = Number(process.env.FUZZ_CASES ?? 2400);
const CONCURRENCY = 8;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const prototypeNames = () => ({
  object: Object.getOwnPropertyNames(Object.prototype).sort(),
  array: Object.getOwnPropertyNames(Array.prototype).sort(),
  function: Object.getOwnPropertyNames(Function.prototype).sort(),
});

/** What is wrong with an answer (undefined: nothing). */
function judge(fuzzCase: FuzzCase, answer: RawResponse): string | undefined {
  if (answer.status >= 500 || answer.status < 200) return `status ${answer.status}`;
  const contentType = String(answer.headers['content-type'] ?? '');
  if ('socket' in fuzzCase) {
    // The HTTP parser refused the bytes, or they reached a route: a problem either way, or a success.
    if (answer.status >= 400) {
      if (!contentType.startsWith('application/problem+json')) return `content-type ${contentType}`;
      checkAgainstSchemaAt(['components', 'schemas', 'Problem'], answer.json, 'a raw answer');
    }
    return undefined;
  }
  const { method, path } = fuzzCase.request;
  if (method.toUpperCase() === 'HEAD') return contentType === '' ? 'no content-type' : undefined;
  if (answer.headers.connection === 'close' && contentType.startsWith('application/problem+json')) {
    // Refused before routing (not HTTP the parser accepts, or a body over the gateway's limit).
    checkAgainstSchemaAt(['components', 'schemas', 'Problem'], answer.json, `${method} ${path}`);
    return undefined;
  }
  // As absolute URLs, so that a path like '//x' stays a path, as the server reads it.
  checkResponseAgainstOpenApi(method.toUpperCase(), path.startsWith('/') ? `http://localhost${path}` : path, answer.status, contentType || null, answer.json);
  return undefined;
}

it(`answers ${CASES} hostile requests with successes or documented problems, never a 5xx, and stays healthy`, async () => {
  const before = prototypeNames();
  const install = await createTestInstall(api);
  const spare = await createTestInstall(api);
  const collectedAt = minutesAgo(30);
  const first = await upload(api, install, 'devices', sample('devices', { collectedAt }));
  expect(first.status).toBe(201);
  const ctx: FuzzContext = {
    installKey: install.apiKey,
    staffKey: staffKey(),
    installId: install.installId,
    spareInstallId: spare.installId,
    customerId: install.customerId,
    uploadId: first.body.uploadId,
    samples: Object.fromEntries(queryTypes.map((t) => [t, Buffer.from(JSON.stringify(sample(t, { devices: 8, collectedAt: minutesAgo(20) })))])),
  };

  const failures: string[] = [];
  const families = new Map<string, { cases: number; ms: number; statuses: Map<number, number> }>();
  const pending = fuzzCases(SEED, CASES, ctx);
  const worker = async () => {
    for (let next = pending.next(); !next.done; next = pending.next()) {
      const fuzzCase = next.value;
      const label = 'socket' in fuzzCase ? `${fuzzCase.family}: ${JSON.stringify(fuzzCase.socket.toString('latin1').slice(0, 120))}` : `${fuzzCase.family}: ${fuzzCase.request.method} ${fuzzCase.request.path.slice(0, 160)}`;
      const family = families.get(fuzzCase.family) ?? { cases: 0, ms: 0, statuses: new Map<number, number>() };
      families.set(fuzzCase.family, family);
      family.cases += 1;
      const started = performance.now();
      try {
        const answer = 'socket' in fuzzCase ? await rawSocketRequest(api.url, fuzzCase.socket) : await rawRequest(api.url, fuzzCase.request);
        family.ms += performance.now() - started;
        family.statuses.set(answer.status, (family.statuses.get(answer.status) ?? 0) + 1);
        const wrong = judge(fuzzCase, answer);
        if (wrong) failures.push(`${label} → ${wrong}: ${answer.body.toString('utf8').slice(0, 300)}`);
      } catch (error) {
        // A server cannot know the method of bytes it failed to parse, so its problem body
        // after a HEAD it could not read is not what the client expects: not a failure.
        const headParseError = 'request' in fuzzCase && fuzzCase.request.method === 'HEAD' && /Parse Error/.test((error as Error).message);
        // Any other connection the server reset or closed without an answer is a failure.
        if (!headParseError) failures.push(`${label} → ${(error as Error).message.slice(0, 500)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));

  if (process.env.FUZZ_VERBOSE) {
    for (const [name, f] of families) process.stdout.write(`${name}: ${f.cases} cases, ${Math.round(f.ms)} ms, ${JSON.stringify(Object.fromEntries(f.statuses))}\n`);
  }
  expect(failures.slice(0, 25)).toEqual([]);
  expect([...families.values()].reduce((n, f) => n + f.cases, 0)).toBe(CASES);
  expect([...families.keys()].sort()).toEqual([...fuzzFamilies].sort());

  // Healthy after: health, a normal upload, and no polluted prototypes.
  expect((await rawRequest(api.url, { method: 'GET', path: '/health' })).status).toBe(200);
  const after = await upload(api, install, 'user-counts', sample('user-counts', { collectedAt: minutesAgo(1) }));
  expect(after.status).toBe(201);
  expect(prototypeNames()).toEqual(before);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype.toString.call({})).toBe('[object Object]');
}, 180_000);
