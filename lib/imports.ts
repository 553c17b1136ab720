// Bulk imports (issue 8): the imports bucket (private, encrypted, TLS only, access-logged, uploads and
// rejected rows expired after 30 days, staged chunks after 7), CORS for the pages' PUT of the file,
// the ObjectCreated notification of uploads/ to the import worker (S3 → Lambda, offered in the AWS
// China regions as elsewhere), the worker's self-invocation for its next step, its schedule (the
// sweep of open imports, every 5 minutes) and one dead-letter queue for whatever of its
// asynchronous invocations (S3's, its own, the schedule's) fails after the retries. Every grant is
// on the prefixes a function needs: the API function presigns PUTs of uploads/ and GETs of errors/;
// the worker reads uploads/, and reads and writes staging/ and errors/.
import { Aws, CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { EventType, HttpMethods, type Bucket } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Construct } from 'constructs';
import { ENV } from '../shared/domain/environment';
import { IMPORT_PREFIXES } from '../shared/adapters/import-store';
import { accessLogsBucket, privateBucket } from './buckets';
import { scheduleInvocation } from './dead-letter';

/** Days the uploaded files and the rejected-rows files are kept; staged chunks a week. */
export const IMPORT_RETENTION_DAYS = 30;
export const IMPORT_STAGING_DAYS = 7;
/** Every 5 minutes (the local runtime fires cron() rules only). */
export const IMPORT_SWEEP_SCHEDULE = { minute: '0,5,10,15,20,25,30,35,40,45,50,55' };

export interface ImportsProps {
  retain: boolean;
  /** The web pages' origin: the browser PUTs the file from there (CORS). */
  webOrigin: string;
  api: NodejsFunction;
  worker: NodejsFunction;
}

export class Imports extends Construct {
  readonly bucket: Bucket;
  /**
   * The origins the browser reaches a presigned link at (the pages' CSP connect-src): S3 in the
   * stack's region, virtual-hosted. Not the bucket's own domain name: the bucket's CORS names the
   * pages' distribution, whose security headers would then name the bucket (a circular dependency).
   */
  readonly browserOrigin: string;

  constructor(scope: Construct, id: string, props: ImportsProps) {
    super(scope, id);
    const { api, worker } = props;
    this.bucket = privateBucket(this, 'Files', props.retain, {
      serverAccessLogsBucket: accessLogsBucket(this, props.retain),
      serverAccessLogsPrefix: 'imports/',
      lifecycleRules: [
        { prefix: IMPORT_PREFIXES.uploads, expiration: Duration.days(IMPORT_RETENTION_DAYS) },
        { prefix: IMPORT_PREFIXES.errors, expiration: Duration.days(IMPORT_RETENTION_DAYS) },
        { prefix: IMPORT_PREFIXES.staging, expiration: Duration.days(IMPORT_STAGING_DAYS) },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      cors: [
        {
          allowedOrigins: [props.webOrigin],
          allowedMethods: [HttpMethods.PUT, HttpMethods.GET],
          allowedHeaders: ['content-type', 'content-length'],
          exposedHeaders: ['ETag'],
          maxAge: 3600,
        },
      ],
    });
    this.browserOrigin = `https://*.s3.${Aws.REGION}.${Aws.URL_SUFFIX}`;

    for (const fn of [api, worker]) fn.addEnvironment(ENV.importsBucket, this.bucket.bucketName);
    const objects = (prefix: string) => this.bucket.arnForObjects(`${prefix}*`);
    api.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [objects(IMPORT_PREFIXES.uploads)] }));
    api.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [objects(IMPORT_PREFIXES.errors)] }));
    worker.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: [objects(IMPORT_PREFIXES.uploads), objects(IMPORT_PREFIXES.staging), objects(IMPORT_PREFIXES.errors)] }),
    );
    worker.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [objects(IMPORT_PREFIXES.staging), objects(IMPORT_PREFIXES.errors)] }));
    // HeadObject of an upload not there answers 404 (not 403) only with ListBucket.
    worker.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }));

    // Its next step: an asynchronous invocation of itself (a separate policy: the function's own
    // default policy naming its ARN would be a circular dependency).
    new Policy(this, 'WorkerSelfInvoke', {
      roles: [worker.role!],
      statements: [new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [worker.functionArn] })],
    });

    this.bucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(worker), { prefix: IMPORT_PREFIXES.uploads });

    scheduleInvocation(this, 'Sweep', worker, {
      description: 'Sweep the open imports every 5 minutes: start those whose upload event was lost, resume stalled ones, fail those never uploaded or stalled too often',
      schedule: Schedule.cron(IMPORT_SWEEP_SCHEDULE),
      input: { source: 'schedule' },
      purpose:
        'the import worker: an S3 upload event, a next-step invocation or a sweep that failed after its retries (the import stays open: the next sweep resumes it or fails it with its reason); redrive invokes the worker with the same event',
    });
    this.acknowledge();
  }

  private acknowledge(): void {
    const stack = Stack.of(this);
    const bucketId = stack.getLogicalId(this.bucket.node.defaultChild as CfnElement);
    for (const prefix of Object.values(IMPORT_PREFIXES)) {
      Validations.of(stack).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
        reason:
          'Import objects are per import under their prefix (uploads/<importId>, staging/<importId>/<chunk>.json, errors/<importId>…: shared/adapters/import-store.ts); each function gets only the actions it needs on the prefixes it needs.',
      });
    }
    // CDK's own singleton function that writes the bucket's notification configuration.
    for (const child of stack.node.children) {
      if (!child.node.id.startsWith('BucketNotificationsHandler')) continue;
      Validations.of(child).acknowledge(
        { id: 'AwsSolutions-IAM4', reason: 'CDK-provided BucketNotificationsHandler custom resource (writes the bucket notification configuration at deploy time), with the basic execution role aws-cdk-lib gives it.' },
        { id: 'AwsSolutions-IAM5', reason: 'CDK-provided BucketNotificationsHandler custom resource: s3:PutBucketNotification on the stack’s buckets, as aws-cdk-lib grants it.' },
      );
    }
  }
}
