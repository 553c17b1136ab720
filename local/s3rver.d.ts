// The parts of s3rver (no bundled types) the local runtime uses.
declare module 's3rver' {
  import type { Server } from 'node:http';

  interface S3rverOptions {
    address?: string;
    port?: number;
    directory?: string;
    silent?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    resetOnClose?: boolean;
    configureBuckets?: { name: string; configs: (string | Buffer)[] }[];
  }
  export default class S3rver {
    constructor(options?: S3rverOptions);
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
    /** Creates the buckets of `configureBuckets` (run() does it before listening). */
    configureBuckets(): Promise<void>;
    /** Serves on a server of its own; with one argument, a socket path (or port). */
    listen(pathOrPort: string | number): Promise<Server>;
  }
}
