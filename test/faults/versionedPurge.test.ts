/**
 * Opting out deletes the optional data, every version of it (DESIGN.md §4). The raw bucket is
 * versioned on AWS, so a plain delete would only hide the data behind a delete marker; the purge
 * (store/rawArchive.ts deleteRawPrefix) lists and deletes every version and marker. s3rver keeps
 * no versions, so that path had never run: here it runs against a stand-in that keeps versions
 * as S3 does (test/support/versionedS3.ts), with noncurrent versions and a delete marker in place.
 * So does the removal of an archive no commit took (an upload the opt-out overtook).
 */
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { optionalQueryTypes } from '../../functions/domain/queries/index.js';
import { rawQueryPrefix } from '../../functions/domain/storageKeys.js';
import { setUsageCollection } from '../../functions/services/usageCollection.js';
import { type Clients, createClients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { s3Of } from '../../functions/store/s3Client.js';
import { acceptSample, newInstall, sampleJson } from '../support/exactlyOnce.js';
import { acceptUpload } from '../../functions/services/acceptUpload.js';
import { plainUploadJson } from '../../functions/domain/uploadJson.js';
import { interceptSdkCalls } from '../support/sdkCalls.js';
import { minutesAgo } from '../support/time.js';
import { type VersionedBucket, versionedS3 } from '../support/versionedS3.js';

let c: Clients;
let s3: ReturnType<typeof versionedS3>;
beforeEach(() => {
  c = createClients(storageConfig());
  s3 = versionedS3(c);
});
afterEach(() => {
  s3.remove();
  destroyClients(c);
});

/** Every version and delete marker under the prefixes, as `key@kind`. */
const versionsUnder = (bucket: VersionedBucket, prefixes: string[]) =>
  [...bucket.entries()].filter(([key]) => prefixes.some((p) => key.startsWith(p))).flatMap(([key, versions]) => versions.map((v) => `${key}@${v.deleteMarker ? 'marker' : 'version'}`));

it('the stand-in keeps versions as S3 does: a delete without a version id leaves the data as a noncurrent version', async () => {
  const Key = 'raw/query=call-quality/install=x/dt=2026-01-01/a.json.gz';
  const bucket = c.config.rawBucket;
  await s3Of(c).send(new PutObjectCommand({ Bucket: bucket, Key, Body: Buffer.from('one') }));
  await s3Of(c).send(new PutObjectCommand({ Bucket: bucket, Key, Body: Buffer.from('two') }));
  await s3Of(c).send(new DeleteObjectCommand({ Bucket: bucket, Key }));
  expect(versionsUnder(s3.bucket, ['raw/'])).toEqual([`${Key}@version`, `${Key}@version`, `${Key}@marker`]);
});

it('after an opt-out no version of the optional data remains; the other data keeps its versions', async () => {
  const installId = await newInstall(c, 'versioned purge');
  const optional = [...optionalQueryTypes];
  for (const [i, queryType] of optional.entries()) await acceptSample(c, installId, queryType, minutesAgo(30 + i));
  await acceptSample(c, installId, 'call-quality', minutesAgo(60));
  await acceptSample(c, installId, 'devices', minutesAgo(30));
  const optionalPrefixes = optional.map((q) => rawQueryPrefix(q, installId));
  const devicesPrefix = rawQueryPrefix('devices', installId);

  // What a versioned bucket holds beyond the current objects: a noncurrent version (an object
  // written again) and a delete marker hiding an object whose data stays as a noncurrent version.
  const [rewritten, hidden] = [...s3.bucket.keys()].filter((k) => optionalPrefixes.some((p) => k.startsWith(p)));
  await s3Of(c).send(new PutObjectCommand({ Bucket: c.config.rawBucket, Key: rewritten!, Body: Buffer.from('an older write of the same key') }));
  await s3Of(c).send(new DeleteObjectCommand({ Bucket: c.config.rawBucket, Key: hidden! }));
  const before = versionsUnder(s3.bucket, optionalPrefixes);
  // Four current objects, one more version and a marker: more than one page of the listing.
  expect(before.filter((v) => v.endsWith('@version'))).toHaveLength(optional.length + 2);
  expect(before.filter((v) => v.endsWith('@marker'))).toHaveLength(1);
  const devicesBefore = versionsUnder(s3.bucket, [devicesPrefix]);
  expect(devicesBefore).toHaveLength(1);

  await setUsageCollection(c, installId, false);

  expect(versionsUnder(s3.bucket, optionalPrefixes)).toEqual([]);
  expect(versionsUnder(s3.bucket, [devicesPrefix])).toEqual(devicesBefore);
});

it('an optional upload the opt-out overtook between its archive and its commit leaves no version of that archive', async () => {
  const installId = await newInstall(c, 'versioned race');
  const collectedAt = minutesAgo(3);
  // The opt-out completes right before the upload's commit: the archive is written, unlisted by it.
  let optedOut = false;
  const race = interceptSdkCalls(c, async ({ command }, send) => {
    if (command === 'TransactWriteItemsCommand' && !optedOut) {
      optedOut = true;
      await setUsageCollection(c, installId, false);
    }
    return send();
  });
  try {
    await expect(acceptUpload(c, { installId, queryType: 'call-quality', body: plainUploadJson(sampleJson('call-quality', collectedAt)), now: new Date() })).rejects.toMatchObject({
      code: 'usage_collection_disabled',
    });
  } finally {
    race.remove();
  }
  expect(optedOut).toBe(true);
  // Not even a noncurrent version behind a delete marker: the upload removed the version it made.
  expect(versionsUnder(s3.bucket, [rawQueryPrefix('call-quality', installId)])).toEqual([]);
});
