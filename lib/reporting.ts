// Regulator reports: the private, versioned report bucket; the officials' optional Cognito user pool
// (aws partition only; their role and jurisdiction are custom attributes, so claims of their ID token);
// the 01:00 CST schedule of the roll-up workflow (lib/rollup-workflow.ts).
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Mfa, OAuthScope, StringAttribute, UserPool, UserPoolClient, type UserPoolDomain } from 'aws-cdk-lib/aws-cognito';
import { EventField, Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { StorageClass, type Bucket } from 'aws-cdk-lib/aws-s3';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { REPORT_AREAS, STAGING_RETENTION_DAYS } from '../shared/domain/report-publication';
import { accessLogsBucket, privateBucket } from './buckets';
import { ASYNC_MAX_EVENT_AGE, ASYNC_RETRY_ATTEMPTS, DeadLetterQueue } from './dead-letter';
import { inChina } from './partition';
import { Construct } from 'constructs';

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
        // The roll-up's hand-over from Plan to the workers: needed only while a run lasts (and its re-run).
        { prefix: REPORT_AREAS.staging, expiration: Duration.days(STAGING_RETENTION_DAYS), noncurrentVersionExpiration: Duration.days(1) },
      ],
    });
  }
}

/**
 * A Cognito user pool as the officials' OpenID Connect issuer (opt-in per stage, aws partition only:
 * Cognito user pools are not offered in the AWS China regions). The stack passes `issuer` and
 * `clientId` to the API's authorizer as any other issuer and audience.
 */
export class Regulators extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  /** The pool's issuer (`iss` of its tokens): https://cognito-idp.<region>.<urlSuffix>/<poolId>. */
  readonly issuer: string;
  /** The pages' app client id: `aud` of ID tokens, `client_id` of access tokens. */
  readonly clientId: string;

  /** The hosted sign-in domain (authorization, token and logout endpoints): `https://<prefix>.auth.<region>.amazoncognito.com`. */
  readonly domain: UserPoolDomain;
  /** Origins the pages' sign-in calls from the browser: discovery and JWKS (the issuer), token and refresh (the hosted domain). */
  readonly browserOrigins: string[];

  constructor(scope: Construct, id: string, props: { retain: boolean; stage: string; webOrigin: string }) {
    super(scope, id);
    const stack = Stack.of(this);
    if (inChina(this)) {
      throw new Error(
        `Cognito user pools are not offered in the AWS China regions (${stack.region}): leave identity.cognitoUserPool off and set identity.oidcIssuer to an external OpenID Connect issuer.`,
      );
    }
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
    // The pages sign in with Authorization Code + PKCE (a public client: no secret) on the hosted domain.
    this.domain = this.userPool.addDomain('Hosted', { cognitoDomain: { domainPrefix: `smefin-${props.stage}-${stack.account}` } });
    // The pages officials sign in on: the regulator page and the task forces' workspace.
    const pages = ['regulator.html', 'workspace.html'].map((page) => `${props.webOrigin}/${page}`);
    this.client = this.userPool.addClient('Web', {
      authFlows: { userSrp: true },
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.PROFILE],
        callbackUrls: pages,
        logoutUrls: pages,
      },
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      // Only administrators set a regulator's jurisdiction and role.
      writeAttributes: undefined,
    });
    this.issuer = `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${this.userPool.userPoolId}`;
    this.browserOrigins = [`https://cognito-idp.${stack.region}.${stack.urlSuffix}`, this.domain.baseUrl()];
    this.clientId = this.client.userPoolClientId;
  }
}

/** Daily at 01:00 China Standard Time (17:00 UTC): the previous day, its month-to-date, and on the 1st the previous month. */
export const ROLLUP_SCHEDULE = { minute: '0', hour: '17' };

/**
 * The daily schedule: an EventBridge rule starting the roll-up workflow with `{ source, time }` (the
 * scheduled time, so a re-run of the event rolls up the same periods), retried as a scheduled
 * invocation is, and a dead-letter queue for the event when EventBridge could not start the
 * execution (the queue policy admits events.amazonaws.com from this rule only). An execution that
 * fails is alarmed (lib/observability.ts) and re-run by hand (docs/operations.md).
 */
export function scheduleRollup(scope: Construct, workflow: IStateMachine): { rule: Rule; dlq: DeadLetterQueue } {
  const dlq = new DeadLetterQueue(scope, 'DailyRollupDeadLetters', {
    purpose:
      'the daily roll-up: a scheduled event EventBridge could not start the roll-up workflow with after its retries (the reports of that day are missing); redrive starts the workflow with the same event',
  });
  const rule = new Rule(scope, 'DailyRollup', {
    description: 'Roll up coverage statistics at 01:00 China Standard Time',
    schedule: Schedule.cron(ROLLUP_SCHEDULE),
    targets: [
      new SfnStateMachine(workflow, {
        input: RuleTargetInput.fromObject({ source: 'schedule', time: EventField.time }),
        retryAttempts: ASYNC_RETRY_ATTEMPTS,
        maxEventAge: ASYNC_MAX_EVENT_AGE,
        deadLetterQueue: dlq.queue,
      }),
    ],
  });
  return { rule, dlq };
}
