// An S3 emulator (s3rver) with the buckets of the synthesized template, named by their logical ids
// in lower case (S3 bucket names are lower case). Data persists in the data folder.
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import S3rver from 's3rver';
import { freePort } from './dynamodb-local';
import { resourcesOfType, type CfnTemplate } from './synth';

export const localBucketName = (logicalId: string) => logicalId.toLowerCase();

export interface RunningS3 {
  endpoint: string;
  buckets: string[];
  stop(): Promise<void>;
}

export async function startS3Local(dataDir: string, template: CfnTemplate): Promise<RunningS3> {
  const directory = path.join(dataDir, 's3');
  mkdirSync(directory, { recursive: true });
  const port = await freePort();
  const buckets = resourcesOfType(template, 'AWS::S3::Bucket').map(([logicalId]) => localBucketName(logicalId));
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    directory,
    silent: true,
    // Signatures are checked (with the local key pair, see LOCAL_CREDENTIALS), presigned links expire.
    allowMismatchedSignatures: false,
    vhostBuckets: false,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    buckets,
    stop: () => server.close(),
  };
}
