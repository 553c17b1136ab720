// Regulator reports: the private, versioned report bucket; the officials' optional Cognito user pool
// (aws partition only; their role and jurisdiction are custom attributes, so claims of their ID token);
// the 01:00 CST schedule of the roll-up.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Mfa, OAuthScope, StringAttribute, UserPool, UserPoolClient, type UserPoolDomain } from 'aws-cdk-lib/aws-cognito';
import { Schedule, type Rule } from 'aws-cdk-lib/aws-events';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { StorageClass, type Bucket } from 'aws-cdk-lib/aws-s3';
import { accessLogsBucket, privateBucket } from './buckets';
import { scheduleInvocation } from './dead-letter';
import { inChina } from './partition';
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
    const page = `${props.webOrigin}/regulator.html`;
    this.client = this.userPool.addClient('Web', {
      authFlows: { userSrp: true },
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.PROFILE],
        callbackUrls: [page],
        logoutUrls: [page],
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

/** The daily schedule, with its dead-letter queue for a roll-up that failed after its retries. */
export function scheduleRollup(scope: Construct, rollup: NodejsFunction): Rule {
  return scheduleInvocation(scope, 'DailyRollup', rollup, {
    description: 'Roll up coverage statistics at 01:00 China Standard Time',
    schedule: Schedule.cron(ROLLUP_SCHEDULE),
    input: { source: 'schedule' },
    purpose: 'the daily roll-up: a scheduled run that failed after its retries (the reports of that day are missing); redrive re-runs it with the same event',
  }).rule;
}
