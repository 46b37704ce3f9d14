/**
 * The SHA-256 of the upload path's inflated chunks is computed on a worker thread
 * (functions/domain/sha256OffThread.ts): whatever the chunks (memory they own, moved to the
 * worker; views into shared memory, copied; none at all), the digest is node:crypto's, each of
 * several interleaved hashes gets its own, and a process awaiting a digest neither exits before
 * it nor hangs after it.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sha256OffThread } from '../../functions/domain/sha256OffThread.js';

const MiB = 1024 * 1024;

function sha256(...chunks: Buffer[]): string {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}

/** Bytes that differ from chunk to chunk and within one, so a chunk lost, repeated or reordered changes the digest. */
function patterned(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed * 7) & 0xff;
  return bytes;
}

describe('sha256OffThread', () => {
  it('moves chunks that own their memory to the worker, and digests them as node:crypto does', async () => {
    const chunks = [patterned(MiB, 1), patterned(MiB, 2), patterned(MiB - 17, 3)];
    const expected = sha256(...chunks);
    const hash = sha256OffThread();
    for (const chunk of chunks) {
      expect(chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength).toBe(true);
      hash.update(chunk);
      // Handed over: the source's memory now belongs to the worker (its ArrayBuffer is detached).
      expect(chunk.buffer.byteLength).toBe(0);
      expect(chunk.byteLength).toBe(0);
    }
    expect(await hash.digest()).toBe(expected);
  });

  it('copies views into a larger buffer, which stay intact', async () => {
    const whole = patterned(3 * MiB, 4);
    const before = Buffer.from(whole);
    const views = [whole.subarray(0, MiB), whole.subarray(MiB, 2 * MiB + 5), whole.subarray(2 * MiB + 5)];
    const hash = sha256OffThread();
    for (const view of views) hash.update(view);
    expect(await hash.digest()).toBe(sha256(before));
    expect(whole.buffer.byteLength).toBe(3 * MiB);
    expect(whole.equals(before)).toBe(true);
    // A view at offset 0 that does not reach the end of its memory is not the whole of it either.
    const head = patterned(1000, 5);
    const headHash = sha256OffThread();
    headHash.update(head.subarray(0, 10));
    expect(await headHash.digest()).toBe(sha256(head.subarray(0, 10)));
    expect(head.buffer.byteLength).toBe(1000);
  });

  it('copies small Buffers from the shared pool, leaving the pool and its other Buffers alone', async () => {
    const abc = Buffer.from('abc');
    const neighbour = Buffer.from('neighbour');
    // Buffer.from of a short string is a view into Node's pool, shared with other Buffers.
    expect(abc.buffer.byteLength).toBeGreaterThan(abc.byteLength);
    const hash = sha256OffThread();
    hash.update(abc);
    hash.update(Buffer.from('def'));
    expect(await hash.digest()).toBe(sha256(Buffer.from('abcdef')));
    expect(abc.toString()).toBe('abc');
    expect(neighbour.toString()).toBe('neighbour');
    expect(abc.buffer.byteLength).toBeGreaterThan(0);
  });

  it('digests no chunks, and empty chunks, as the empty input', async () => {
    const empty = sha256();
    expect(empty).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(await sha256OffThread().digest()).toBe(empty);
    const withEmpty = sha256OffThread();
    withEmpty.update(Buffer.alloc(0));
    withEmpty.update(Buffer.from('abc').subarray(3));
    expect(await withEmpty.digest()).toBe(empty);
  });

  it('keeps interleaved hashes apart', async () => {
    const parts = Array.from({ length: 5 }, (_, h) => Array.from({ length: 4 }, (_, c) => patterned(64 * 1024 + h * 100 + c, h * 10 + c)));
    const expected = parts.map((chunks) => sha256(...chunks.map((chunk) => Buffer.from(chunk))));
    const hashes = parts.map(() => sha256OffThread());
    // Chunk 0 of every hash, then chunk 1 of every hash, …, and the digests asked for out of order.
    for (let c = 0; c < 4; c++) for (const [h, hash] of hashes.entries()) hash.update(parts[h]![c]!);
    const order = [3, 0, 4, 1, 2];
    const digests = await Promise.all(order.map((h) => hashes[h]!.digest()));
    expect(digests).toEqual(order.map((h) => expected[h]));
  });

  it('digests hashes asked for while others still take chunks', async () => {
    const first = sha256OffThread();
    const second = sha256OffThread();
    first.update(Buffer.from('first'));
    second.update(Buffer.from('sec'));
    const firstDigest = first.digest();
    second.update(Buffer.from('ond'));
    expect(await firstDigest).toBe(sha256(Buffer.from('first')));
    expect(await second.digest()).toBe(sha256(Buffer.from('second')));
  });

  it('lets a discarded hash go, and serves later hashes', async () => {
    const discarded = sha256OffThread();
    discarded.update(patterned(MiB, 6));
    discarded.discard();
    const never = sha256OffThread();
    never.discard();
    const later = sha256OffThread();
    later.update(Buffer.from('after a discard'));
    expect(await later.digest()).toBe(sha256(Buffer.from('after a discard')));
  });

  it('copies memory that cannot move: the whole of the buffer pool, a SharedArrayBuffer', async () => {
    const pool = Buffer.from(Buffer.from('a').buffer);
    const shared = Buffer.from(new SharedArrayBuffer(16));
    shared.fill(7);
    const hash = sha256OffThread();
    hash.update(pool);
    hash.update(shared);
    expect(await hash.digest()).toBe(sha256(pool, shared));
    expect(shared[0]).toBe(7);
  });

  it('takes no chunk once its digest is asked for, and answers a discarded hash with a rejection', async () => {
    const digested = sha256OffThread();
    digested.update(Buffer.from('x'));
    const digest = digested.digest();
    expect(() => digested.update(Buffer.from('y'))).toThrow(/no more bytes/);
    expect(await digest).toBe(sha256(Buffer.from('x')));
    const discarded = sha256OffThread();
    discarded.discard();
    await expect(discarded.digest()).rejects.toThrow(/discarded/);
  });

  it('answers digest() twice with the same promise and value', async () => {
    const hash = sha256OffThread();
    hash.update(Buffer.from('twice'));
    const once = hash.digest();
    const again = hash.digest();
    expect(again).toBe(once);
    expect(await once).toBe(sha256(Buffer.from('twice')));
    expect(await hash.digest()).toBe(await once);
    // A discard after the digest changes nothing.
    hash.discard();
    expect(await hash.digest()).toBe(sha256(Buffer.from('twice')));
  });
});

describe('a process using sha256OffThread', () => {
  const moduleUrl = new URL('../../functions/domain/sha256OffThread.ts', import.meta.url).href;
  const cwd = fileURLToPath(new URL('../..', import.meta.url));

  /** Runs `body` (CommonJS, with `sha256OffThread` in scope) in a child Node, as the repo runs TypeScript. */
  function runChild(body: string): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
    const script = `(async () => { const { sha256OffThread } = await import(${JSON.stringify(moduleUrl)}); ${body} })().catch((error) => { console.error(error); process.exitCode = 1; });`;
    const started = Date.now();
    return new Promise((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', '-e', script], { cwd, timeout: 15_000, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr, ms: Date.now() - started });
      });
    });
  }

  it('stays alive for an awaited digest, with nothing else pending, and exits once it is in', async () => {
    const { code, stdout, stderr, ms } = await runChild(`
      const hash = sha256OffThread();
      hash.update(Buffer.alloc(${MiB}, 7));
      hash.update(Buffer.from('abc'));
      console.log(await hash.digest());
    `);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(sha256(Buffer.alloc(MiB, 7), Buffer.from('abc')));
    // Killed at 15 s otherwise; a few seconds is generous for tsx's start.
    expect(ms).toBeLessThan(8_000);
  });

  const idleAndDiscarded = `
    const idle = sha256OffThread();
    idle.update(Buffer.alloc(1024, 1));
    const dropped = sha256OffThread();
    dropped.update(Buffer.alloc(1024, 2));
    dropped.discard();`;

  it.each([
    ['once a later digest is in', `const done = sha256OffThread(); done.update(Buffer.from('done')); console.log(await done.digest());`, sha256(Buffer.from('done'))],
    // The worker's 'message' listener refs its port: unref'd before the listener was added, a
    // process whose hashes were all discarded (the HTTP fuzzer's) stayed alive for ever.
    ['when no digest was ever asked for (every upload refused)', `console.log('read');`, 'read'],
  ])('is not kept alive by an idle worker: a hash never digested, or discarded, does not hold the process %s', async (_, end, printed) => {
    const { code, stdout, stderr, ms } = await runChild(`${idleAndDiscarded}\n${end}`);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(printed);
    expect(ms).toBeLessThan(8_000);
  });
});
