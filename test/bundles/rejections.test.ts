/**
 * Whole-bundle rejections (400 invalid_bundle) over HTTP, and zip bombs stopped while
 * inflating with bounded memory. After each rejection nothing of the bundle is stored.
 */
import { randomBytes } from 'node:crypto';
import { directBundleLimits, sessionBundleLimits } from '../../functions/bundles/limits.js';
import { zipFromBuffer } from '../../functions/bundles/zipReader.js';
import { type BundleInputFile, bundleManifestOf } from '../../functions/bundles/writeBundle.js';
import { directUploadLimits } from '../../functions/domain/uploadBody.js';
import {
  declareSizeInZip,
  MPA_VERSION,
  postBundle,
  renameInZip,
  sampleFiles,
  zeros,
  type ZipEntrySpec,
  zipOf,
} from '../support/bundles.js';
import { ingestBundle } from '../../functions/services/bundles.js';
import { call, clients, createTestInstall, startTestApi, staffKey, type TestApi, type TestInstall } from '../support/localApi.js';
import { minutesAgo } from '../support/time.js';

const MiB = 1024 * 1024;
let api: TestApi;
let install: TestInstall;
let collectedAt: string;

beforeAll(async () => {
  api = await startTestApi();
  install = await createTestInstall(api);
  collectedAt = minutesAgo(30);
});

/** Entries for a valid bundle of the given files, with the manifest patched by `change`. */
async function bundleEntries(files: BundleInputFile[], change: (manifest: any) => void = () => {}): Promise<ZipEntrySpec[]> {
  const manifest = await bundleManifestOf({ installId: install.installId, mpaVersion: MPA_VERSION, collectedAt }, files);
  change(manifest);
  return [{ name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) }, ...files.map((f) => ({ name: f.path, data: f.content as Buffer }))];
}

const files = () => sampleFiles({ installId: install.installId, collectedAt, queryTypes: ['user-counts', 'probes'] });

async function expectInvalid(zip: Buffer, detail: RegExp, errors?: { path: string; message: RegExp }[]) {
  const answer = await postBundle(api, install.apiKey, zip);
  expect({ status: answer.status, code: answer.body?.code }).toEqual({ status: 400, code: 'invalid_bundle' });
  expect(answer.headers.get('content-type')).toBe('application/problem+json');
  expect(answer.body.detail).toMatch(detail);
  if (errors) {
    expect(answer.body.errors).toEqual(errors.map((e) => ({ path: e.path, message: expect.stringMatching(e.message) })));
  }
  return answer;
}

afterAll(() => api.close());

describe('whole-bundle rejections', () => {
  it('not a zip at all', async () => {
    await expectInvalid(Buffer.from('PK? surely not'), /cannot be read as a zip/);
    await expectInvalid(Buffer.alloc(0), /cannot be read as a zip/);
  });

  it('no manifest.json, or one that is not JSON', async () => {
    await expectInvalid(await zipOf([{ name: 'user-counts.csv', data: Buffer.from('users\n1\n') }]), /no manifest\.json/);
    await expectInvalid(await zipOf([{ name: 'manifest.json', data: Buffer.from('{"format":') }]), /manifest\.json is not valid UTF-8 JSON/);
  });

  it('a manifest of another format, version, or with unknown fields', async () => {
    await expectInvalid(
      await zipOf(
        await bundleEntries(files(), (m) => {
          m.format = 'zip-of-stuff';
          m.version = 2;
          m.extra = true;
        }),
      ),
      /does not match the bundle manifest/,
      [
        { path: 'format', message: /mpa-licensing-bundle/ },
        { path: 'version', message: /1/ },
        { path: 'extra', message: /not a known field/ },
      ],
    );
  });

  it('an unknown query type in the manifest', async () => {
    await expectInvalid(
      await zipOf(await bundleEntries(files(), (m) => (m.files[1].queryType = 'phone-books'))),
      /does not match/,
      [{ path: 'files[1].queryType', message: /is not a known query type/ }],
    );
  });

  it('a file listed twice, or listed but not in the archive', async () => {
    await expectInvalid(
      await zipOf(await bundleEntries(files(), (m) => m.files.push({ ...m.files[0], queryType: 'devices' }))),
      /does not match/,
      [{ path: 'files[2].path', message: /listed twice/ }],
    );
    const entries = await bundleEntries(files());
    await expectInvalid(await zipOf(entries.filter((e) => e.name !== 'probes.csv')), /lists "probes\.csv", which is not in the archive/);
  });

  it('a sha256 that does not match, even when it is the last file (nothing is accepted before)', async () => {
    await expectInvalid(
      await zipOf(await bundleEntries(files(), (m) => (m.files[1].sha256 = '0'.repeat(64)))),
      /SHA-256 of "probes\.csv" does not match/,
    );
  });

  it('paths outside the archive root in the manifest', async () => {
    for (const path of ['../user-counts.csv', '/etc/user-counts.csv', 'C:/user-counts.csv', 'data\\user-counts.csv', 'readme.txt', 'manifest.json']) {
      const answer = await expectInvalid(await zipOf(await bundleEntries(files(), (m) => (m.files[0].path = path))), /does not match/);
      expect(answer.body.errors[0].path).toBe('files[0].path');
    }
  });

  it('entries named outside the archive root, with backslashes, or symbolic links', async () => {
    const valid = await bundleEntries(files());
    const withEntry = (name: string, mode?: number) => zipOf([...valid, { name, data: Buffer.from('x'), ...(mode ? { mode } : {}) }]);
    await expectInvalid(renameInZip(await withEntry('QQ/evil.csv'), 'QQ/evil.csv', '../evil.csv'), /invalid relative path/);
    await expectInvalid(renameInZip(await withEntry('Qtmp/evil.csv'), 'Qtmp/evil.csv', '/tmp/evil.csv'), /absolute path/);
    await expectInvalid(renameInZip(await withEntry('dirQevil.csv'), 'dirQevil.csv', 'dir\\evil.csv'), /invalid characters/);
    await expectInvalid(await withEntry('link.csv', 0o120777), /"link\.csv" is a symbolic link/);
  });

  it('more than 64 entries', async () => {
    const valid = await bundleEntries(files());
    const extra = Array.from({ length: 62 }, (_, i) => ({ name: `notes/${i}.txt`, data: Buffer.from(String(i)) }));
    // 3 + 61 = 64 entries are fine (entries the manifest does not list are ignored); 65 are not.
    const spare = await createTestInstall(api);
    const spareEntries = await bundleEntries(files(), (m) => (m.installId = spare.installId));
    expect((await postBundle(api, spare.apiKey, await zipOf([...spareEntries, ...extra.slice(0, 61)]))).status).toBe(201);
    await expectInvalid(await zipOf([...valid, ...extra]), /holds 65 entries; a bundle may hold at most 64/);
  });

  it('more than 1 GiB once inflated, as the central directory declares it (a bundle of an upload session)', async () => {
    // Four incompressible entries of 1.4 MiB, each declared as 270 MiB (ratio < 200:1): 1.05 GiB in all.
    // 5.6 MiB is more than a direct POST takes (4 MiB: 200 × 4 MiB < 1 GiB), so this bundle
    // comes by an upload session, whose processor reads it with the session's limits.
    const entries: ZipEntrySpec[] = [{ name: 'manifest.json', data: Buffer.from('{}') }];
    for (let i = 0; i < 4; i++) entries.push({ name: `part${i}.csv`, data: randomBytes(1.4 * MiB) });
    let zip = await zipOf(entries);
    for (let i = 0; i < 4; i++) zip = declareSizeInZip(zip, `part${i}.csv`, 270 * MiB);
    expect((await postBundle(api, install.apiKey, zip)).status).toBe(413);
    const refused = await ingestBundle(clients(), { zip: zipFromBuffer(zip), uploaderInstallId: install.installId, now: new Date(), limits: sessionBundleLimits }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ problem: { status: 400, code: 'invalid_bundle', detail: expect.stringMatching(/declares more than 1073741824 bytes once inflated/) } });
  });
});

describe('a direct bundle past the budget of a direct upload', () => {
  it('more than 100 MiB once inflated in all, though each file is within 100 MiB: 413 naming upload sessions, before inflating', async () => {
    // Three incompressible entries of 1.2 MiB, each declared as 36 MiB (ratio < 200:1): 108 MiB in
    // all, in a zip within the 4 MiB a direct POST may send.
    const entries: ZipEntrySpec[] = [{ name: 'manifest.json', data: Buffer.from('{}') }];
    for (let i = 0; i < 3; i++) entries.push({ name: `part${i}.csv`, data: randomBytes(1.2 * MiB) });
    let zip = await zipOf(entries);
    for (let i = 0; i < 3; i++) zip = declareSizeInZip(zip, `part${i}.csv`, 36 * MiB);
    expect(zip.length).toBeLessThan(4 * MiB);
    // DESIGN.md §3: a direct body over 100 MB decompressed answers 413, whose detail names upload
    // sessions (the CLI then sends the bundle through one); 400 invalid_bundle is for the 1 GiB of §5.
    const answer = await postBundle(api, install.apiKey, zip);
    expect({ status: answer.status, code: answer.body?.code }).toEqual({ status: 413, code: 'payload_too_large' });
    expect(answer.body.detail).toMatch(/inflates to more than 104857600 bytes.*POST \/v1\/upload-sessions, kind "bundle"/);
  });

  it('through an upload session the same bundle keeps the session budget', () => {
    expect(directBundleLimits.maxTotalInflatedBytes).toBe(directUploadLimits.maxInflatedBytes);
    expect(sessionBundleLimits.maxTotalInflatedBytes).toBe(1024 * MiB);
  });
});

describe('zip bombs', () => {
  let bomb: Buffer;
  beforeAll(async () => {
    // 300 MB of zeros deflate to about 300 KB (about 1000:1); built from a stream, never held whole.
    // The manifest lists it, so a bundle that passes the central directory checks inflates it.
    const entries = await bundleEntries(files(), (m) => m.files.push({ queryType: 'devices', path: 'bomb.csv', sha256: '0'.repeat(64) }));
    bomb = await zipOf([...entries, { name: 'bomb.csv', data: zeros(300 * 1000 * 1000) }]);
    expect(bomb.length).toBeLessThan(1 * MiB);
  }, 60_000);

  /** Runs `work` while sampling this process's RSS every 5 ms; answers the peak growth. */
  async function peakRssGrowth(work: () => Promise<unknown>): Promise<number> {
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      await work();
    } finally {
      clearInterval(timer);
    }
    return Math.max(peak, process.memoryUsage().rss) - before;
  }

  it('an entry with a ratio above 200:1 is refused from its declared sizes, before inflating', async () => {
    const growth = await peakRssGrowth(() => expectInvalid(bomb, /"bomb\.csv" declares a compression ratio above 200:1/));
    expect(growth).toBeLessThan(100 * MiB);
  });

  it('a bomb whose central directory lies about its size is stopped while inflating, memory bounded', async () => {
    const lying = declareSizeInZip(bomb, 'bomb.csv', 1000);
    const started = performance.now();
    const growth = await peakRssGrowth(() => expectInvalid(lying, /cannot be read as a zip file: too many bytes in the stream/));
    console.log(`zip bomb (300 MB declared as 1000 bytes): rejected in ${Math.round(performance.now() - started)} ms, peak RSS growth ${(growth / MiB).toFixed(1)} MiB`);
    expect(growth).toBeLessThan(100 * MiB);
  });
});

// Last in the file (jest runs a file's tests in order): an assertion in afterAll would not fail its test.
it('not one of the rejected bundles above stored anything', async () => {
  const shown = await call(api, 'GET', `/v1/installs/${install.installId}`, { key: staffKey() });
  expect(shown.status).toBe(200);
  expect(shown.body.queries).toEqual({});
});
