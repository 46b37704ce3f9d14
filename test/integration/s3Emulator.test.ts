/**
 * The local S3 in a child process (functions/local/s3Emulator.ts): S3 event notifications come
 * back to the parent, a child that dies is started again on the same port with its objects, stop()
 * ends it, and a parent that dies without stopping it takes it along.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3rverEvent } from '@20minutes/s3rver';
import { type S3Emulator, startS3Emulator } from '../../functions/local/s3Emulator.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  return !alive(pid);
}

const s3Of = (emulator: S3Emulator) =>
  new S3Client({ endpoint: emulator.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });

/** The next notification for `key`. */
function nextEvent(emulator: S3Emulator, key: string): Promise<S3rverEvent> {
  return new Promise((resolve) => {
    const listener = (event: S3rverEvent) => {
      if (!event.Records.some((r) => r.s3.object.key === key)) return;
      emulator.events.off('event', listener);
      resolve(event);
    };
    emulator.events.on('event', listener);
  });
}

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mpa-s3-emulator-'));
});
afterEach(() => rm(directory, { recursive: true, force: true }));

it('runs s3rver in a child process, passes its events back, restarts it on the same port and stops it', async () => {
  const emulator = await startS3Emulator(directory, () => undefined);
  const s3 = s3Of(emulator);
  try {
    const first = emulator.pid()!;
    expect(first).not.toBe(process.pid);
    await s3.send(new CreateBucketCommand({ Bucket: 'events' }));
    const created = nextEvent(emulator, 'incoming/one');
    await s3.send(new PutObjectCommand({ Bucket: 'events', Key: 'incoming/one', Body: 'one' }));
    const [record] = (await created).Records;
    expect(record!.eventName).toMatch(/^ObjectCreated:/);
    expect(record!.s3.bucket.name).toBe('events');

    // Killed: started again on the same endpoint, with the objects it had, its events still delivered.
    const restarted = once(emulator.events, 'restarted');
    process.kill(first, 'SIGKILL');
    await restarted;
    expect(emulator.pid()).not.toBe(first);
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'events', Key: 'incoming/one' }))).Body!.transformToString()).toBe('one');
    const again = nextEvent(emulator, 'incoming/two');
    await s3.send(new PutObjectCommand({ Bucket: 'events', Key: 'incoming/two', Body: 'two' }));
    expect((await again).Records[0]!.s3.object.key).toBe('incoming/two');
  } finally {
    s3.destroy();
    const pid = emulator.pid()!;
    await emulator.stop();
    expect(await gone(pid)).toBe(true);
  }
}, 60_000);

it('ends with the process that started it, when that process dies without stopping it', async () => {
  const module = new URL('../../functions/local/s3Emulator.ts', import.meta.url).pathname;
  const script = `import { startS3Emulator } from ${JSON.stringify(module)};
    const e = await startS3Emulator(${JSON.stringify(directory)});
    console.log(e.pid());
    process.kill(process.pid, 'SIGKILL');`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.resume();
  await once(child, 'exit');
  const pid = Number(out.trim());
  expect(pid).toBeGreaterThan(0);
  // Its IPC channel closed with its parent: it exits.
  expect(await gone(pid)).toBe(true);
}, 60_000);
