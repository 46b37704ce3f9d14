/**
 * s3rver in a process of its own, for the pipeline figure: S3 is a remote service, so its work
 * (receiving, hashing and writing the object) must not be counted on the handler's own thread,
 * as it is when s3rver runs inside the benchmark's process. Prints `{"port":…}` once listening.
 * Args: <directory>.
 */
import S3rver from 's3rver';
import { actLikeS3, type S3rverInternals } from '../functions/local/s3Semantics.js';

const s3 = new S3rver({ address: '127.0.0.1', port: 0, directory: process.argv[2]!, silent: true });
actLikeS3(s3 as unknown as S3rverInternals);
const { port } = (await s3.run()) as { port: number };
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.on('SIGTERM', () => void s3.close().then(() => process.exit(0)));
