/**
 * s3rver in a process of its own, for the pipeline figure: S3 is a remote service, so its work
 * (receiving, hashing and writing the object) must not be counted on the handler's own thread,
 * as it is when s3rver runs inside the benchmark's process. Prints `{"port":…}` once listening.
 * Args: <directory>.
 */
import { startS3rver } from '../functions/local/emulators.js';

const { s3, port } = await startS3rver(process.argv[2]!);
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.on('SIGTERM', () => void s3.close().then(() => process.exit(0)));
