// Regulator reports: the private, versioned report bucket; the regulators' user pool (their
// jurisdiction is a custom attribute, so a claim of their ID token); the 01:00 CST schedule of the
// roll-up.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Mfa, StringAttribute, UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Schedule, type Rule } from 'aws-cdk-lib/aws-events';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { StorageClass, type Bucket } from 'aws-cdk-lib/aws-s3';
import { accessLogsBucket, privateBucket } from './buckets';
import { scheduleInvocation } from './dead-letter';
import { Construct } from 'constructs';

/** Key prefixes: the full edition for regulators, the suppressed edition for publication. */
export const REPORT_PREFIXES = ['reports/', 'public-reports/'] as const;

export class ReportStorage extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: { retain: boolean }) {
    super(scope, id);
    this.bucket = privateBucket(this, 'Reports', props.retain, {
      versioned: true,
      serverAccessLogsBucket: accessLogsBucket(this, props.retain),
      serverAccessLogsPrefix: 'reports/',
      lifecycleRules: [
        { noncurrentVersionExpiration: Duration.days(90) },
        { transitions: [{ storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(90) }] },
      ],
    });
  }
}

export class Regulators extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;

  constructor(scope: Construct, id: string, props: { retain: boolean }) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
      customAttributes: {
        jurisdiction: new StringAttribute({ minLen: 6, maxLen: 6, mutable: true }),
        role: new StringAttribute({ minLen: 1, maxLen: 32, mutable: true }),
      },
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Cognito threat protection (the Plus feature plan) is not offered in the AWS China regions where production runs; MFA (TOTP) is required and self sign-up is off: administrators create regulator accounts.',
    });
    this.client = this.userPool.addClient('Web', {
      authFlows: { userSrp: true },
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      // Only administrators set a regulator's jurisdiction and role.
      writeAttributes: undefined,
    });
  }
}

/** Daily at 01:00 China Standard Time (17:00 UTC): the previous day, its month-to-date, and on the 1st the previous month. */
export const ROLLUP_SCHEDULE = { minute: '0', hour: '17' };

/** The daily schedule, with its dead-letter queue for a roll-up that failed after its retries. */
export function scheduleRollup(scope: Construct, rollup: NodejsFunction): Rule {
  return scheduleInvocation(scope, 'DailyRollup', rollup, {
    description: 'Roll up coverage statistics at 01:00 China Standard Time',
    schedule: Schedule.cron(ROLLUP_SCHEDULE),
    input: { source: 'schedule' },
    purpose: 'the daily roll-up: a scheduled run that failed after its retries (the reports of that day are missing); redrive re-runs it with the same event',
  }).rule;
}
