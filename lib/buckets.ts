// Private buckets the way every bucket of the stack is made: no public access, encrypted, TLS only,
// retained in production (emptied and deleted with a dev stack).
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, type BucketProps } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export function privateBucket(scope: Construct, id: string, retain: boolean, props: BucketProps = {}): Bucket {
  return new Bucket(scope, id, {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    ...(retain ? { removalPolicy: RemovalPolicy.RETAIN } : { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true }),
    ...props,
  });
}

/** Server access logs, kept a year. */
export function accessLogsBucket(scope: Construct, retain: boolean, props: BucketProps = {}): Bucket {
  return privateBucket(scope, 'AccessLogs', retain, { lifecycleRules: [{ expiration: Duration.days(365) }], ...props });
}
