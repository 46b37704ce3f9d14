/**
 * s3rver in a process of its own, started by functions/local/s3Emulator.ts for `npm start`, the
 * tests and the benchmarks. S3 is a remote service: inside the server's process each of an
 * upload's S3 requests needed, at its far end too, the thread busy parsing the upload, and
 * s3rver's own work (receiving, hashing, writing the object) landed on that thread
 * (bench/README.md, "HTTP and fleet figures").
 *
 * Args: <directory> [port]. Messages out (IPC): { port } once listening, then { event } for
 * each S3 event notification s3rver emits (the parent delivers the upload sessions' ones).
 * Exits when its parent disconnects (stopped, or gone without stopping it).
 */
import type { S3rverEvent } from '@20minutes/s3rver';
import { startS3rver } from './emulators.js';

const [directory, port] = process.argv.slice(2);
if (directory === undefined) throw new Error('usage: s3rverProcess.ts <directory> [port]');
const { s3, port: listening } = await startS3rver(directory, port === undefined ? 0 : Number(port));
s3.on('event', (event: S3rverEvent) => process.send?.({ event }));
process.send?.({ port: listening });

let closing = false;
function close(): void {
  if (closing) return;
  closing = true;
  void s3.close().finally(() => process.exit(0));
}
process.on('disconnect', close);
process.on('SIGTERM', close);
