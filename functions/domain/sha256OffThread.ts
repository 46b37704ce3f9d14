/**
 * SHA-256 of a sequence of buffers, computed on a worker thread while this thread goes on: a
 * gzip upload's inflated chunks are handed over (moved, not copied) as soon as they are parsed,
 * so the content's hash is ready when validation ends instead of being computed after it, on the
 * thread that must then answer the archive's completion and commit (~20 ms of a 100,000-device
 * upload: docs/decisions.md). Node's own hashes run only on the calling thread, and WebCrypto's
 * one-shot digest would need the body copied into one buffer, which on this machine costs about
 * what hashing it does.
 *
 * One worker serves the process, started at the first use; it keeps the process alive only while
 * a digest is awaited.
 * Its code is a string, so a bundled Lambda needs no second file.
 */
import { Worker } from 'node:worker_threads';

/** A hash being computed: each chunk given to `update` is the hash's from then on (it may be moved to the worker). */
export interface ChunkHash {
  update(chunk: Buffer): void;
  /** The hex digest of every chunk given, in order. */
  digest(): Promise<string>;
  /** Lets the hash go without a digest (the upload failed). */
  discard(): void;
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (message) => {
  const { id, bytes, end, discard } = message;
  let hash = hashes.get(id);
  if (!hash) { hash = createHash('sha256'); hashes.set(id, hash); }
  if (bytes) {
    hash.update(bytes);
    // Detached, the chunk's memory is freed now rather than by a collection (see below).
    bytes.buffer.transfer?.(0);
  }
  if (discard) hashes.delete(id);
  else if (end) { hashes.delete(id); parentPort.postMessage({ id, hex: hash.digest('hex') }); }
});
`;

interface Pending {
  resolve: (hex: string) => void;
  reject: (error: Error) => void;
}

/** The worker and the digests it owes; `failed` once it stopped (a new one serves the next hashes). */
interface HashThread {
  worker: Worker;
  pending: Map<number, Pending>;
  failed?: Error;
}

let current: HashThread | undefined;
let nextId = 0;

function hashThread(): HashThread {
  if (current && !current.failed) return current;
  // The worker holds a few hashes and messages: a small heap (a default one took ~20 MB more of
  // the process's memory). The chunks are not on it: V8 counts them as memory outside the heap,
  // whose limit it sets from the heap's, and at this one each 100,000-device upload's 19 MB set
  // off up to ten compacting collections of 6-25 ms, unless the worker frees each chunk itself.
  const worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 } });
  const thread: HashThread = { worker, pending: new Map() };
  thread.worker.on('message', ({ id, hex }: { id: number; hex: string }) => {
    thread.pending.get(id)?.resolve(hex);
    thread.pending.delete(id);
    if (thread.pending.size === 0) thread.worker.unref();
  });
  const fail = (error: Error) => {
    thread.failed ??= error;
    for (const waiting of thread.pending.values()) waiting.reject(thread.failed);
    thread.pending.clear();
    // A failed worker is left behind (the next hash starts another): it no longer holds the process.
    thread.worker.unref();
  };
  thread.worker.on('error', fail);
  // A message that could not be read would leave its digest waiting for ever; the worker, still
  // running, is stopped.
  thread.worker.on('messageerror', (error) => {
    fail(error);
    void thread.worker.terminate();
  });
  thread.worker.on('exit', (code) => fail(new Error(`The hashing worker stopped (exit code ${code}).`)));
  // Last, after the 'message' listener, which refs the worker's port: unref'd before it, a
  // process whose hashes were all discarded (no digest ever asked for) never exited.
  thread.worker.unref();
  current = thread;
  return thread;
}

/** A SHA-256 computed on the worker thread. */
export function sha256OffThread(): ChunkHash {
  const thread = hashThread();
  const id = nextId++;
  let digesting: Promise<string> | undefined;
  return {
    update(chunk) {
      if (digesting) throw new Error('A hash takes no more bytes once its digest is asked for.');
      if (thread.failed) return;
      // A chunk that owns its whole memory moves to the worker; a view into shared memory, or
      // memory that cannot move (Node's buffer pool, a SharedArrayBuffer), is copied first.
      if (chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && !(chunk.buffer instanceof SharedArrayBuffer)) {
        try {
          thread.worker.postMessage({ id, bytes: chunk }, [chunk.buffer as ArrayBuffer]);
          return;
        } catch {
          // Not transferable: copied below.
        }
      }
      const copy = Uint8Array.prototype.slice.call(chunk);
      thread.worker.postMessage({ id, bytes: copy }, [copy.buffer]);
    },
    digest() {
      digesting ??= new Promise<string>((resolve, reject) => {
        if (thread.failed) return reject(thread.failed);
        thread.pending.set(id, { resolve, reject });
        // Awaited digests keep the process alive, as any I/O awaited does; an idle worker does not.
        thread.worker.ref();
        thread.worker.postMessage({ id, end: true });
      });
      return digesting;
    },
    discard() {
      if (!digesting && !thread.failed) thread.worker.postMessage({ id, discard: true });
      digesting ??= Promise.reject(new Error('The hash was discarded.'));
      digesting.catch(() => undefined);
    },
  };
}
