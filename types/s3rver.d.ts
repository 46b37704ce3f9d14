/** The part of @20minutes/s3rver 5 (the maintained fork of s3rver) this project uses (it ships no types). */
declare module '@20minutes/s3rver' {
  import type { EventEmitter } from 'node:events';

  export interface S3rverOptions {
    address?: string;
    port?: number;
    directory: string;
    silent?: boolean;
    /** Accept requests whose SigV4 signature the server computes differently (its bucket-level paths lack the SDK's trailing slash). */
    allowMismatchedSignatures?: boolean;
    resetOnClose?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  /** One S3 event notification, as s3rver emits it ('event'). */
  export interface S3rverEvent {
    Records: {
      eventName: string;
      eventTime: string;
      s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string; sequencer?: string } };
    }[];
  }

  export default class S3rver extends EventEmitter {
    constructor(options: S3rverOptions);
    run(): Promise<{ address: string; port: number; family: string }>;
    close(): Promise<void>;
    on(event: 'event', listener: (event: S3rverEvent) => void): this;
  }
}
