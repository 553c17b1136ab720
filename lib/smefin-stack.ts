// One stack per stage: data, API (with its functions) and the web pages.
import * as path from 'node:path';
import { Aws, CfnOutput, DockerImage, Fn, Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { buildWebSync } from '../web/build';
import { Api } from './api';
import { Data } from './data';
import { scheduleErasure } from './data-lifecycle';
import { DEFAULT_SWEEP_AFTER_MINUTES } from '../shared/domain/routing-sweep';
import { DEFAULT_REVIEW_WORKING_DAYS, type ReviewMode } from '../shared/domain/review';
import { Functions } from './functions';
import { Imports } from './imports';
import { EnterpriseNotifications } from './notifications';
import { ReferralWorkflow } from './referral-workflow';
import { RollupWorkflow } from './rollup-workflow';
import { JURISDICTION_CLAIM, ROLE_CLAIM } from '../shared/domain/claims';
import { Regulators, ReportStorage, scheduleRollup } from './reporting';
import { PROJECT_ROOT } from './lambda-defaults';
import { Observability } from './observability';
import { scheduleRoutingSweeper } from './routing-sweeper';
import { acknowledgeNagFindings, acknowledgeWebDeploymentFindings } from './nag';
import { partitionOf } from './partition';
import { checkSms, TextMessages, type SmsConfig } from './sms';
import { Web, type WebDomain } from './web';

export interface StageConfig {
  stage: string;
  /** Retain data and protect tables from deletion. */
  retain: boolean;
  throttle: { rateLimit: number; burstLimit: number };
  /** Banks a need is offered to, one after another, before the county task force is asked. */
  maxOffers: number;
  /** Counts below this are suppressed in the public edition of the reports. */
  suppressionThreshold: number;
  /** Days after a need closes until its personal data (contact, free text) is erased; counts are kept. */
  personalDataRetentionDays: number;
  /** Minutes after submission when the routing sweeper starts a need whose workflow never started (default 15). */
  routingSweepAfterMinutes?: number;
  /**
   * The task force's review (审核, shared/domain/review.ts): the default for counties without their own
   * setting (`npm run task-force -- review`), and the working days a review has. Absent: `manual`, 5.
   */
  review?: { default: ReviewMode; workingDays?: number };
  /** E-mail address or https:// URL subscribed to the operators' alarm topic (optional). */
  operatorsEndpoint?: string;
  /** How officials sign in: any OpenID Connect issuer, verified by the API's Lambda authorizer. */
  identity?: IdentityConfig;
  /**
   * The web pages' custom domain (required in aws-cn, where CloudFront serves only an ICP-registered
   * domain) with one certificate: `iamCertificateId` (IAM server certificate, the only kind CloudFront
   * takes in aws-cn) or `certificateArn` (ACM in us-east-1, aws partition).
   */
  webDomain?: WebDomain;
  /**
   * How text messages go to enterprises (codes, status links): Amazon SNS by default in the aws
   * partition; in aws-cn a licensed domestic provider is required (SNS sends no SMS there).
   */
  sms?: SmsConfig;
}

/**
 * Officials' identity per stage (issue 7). Cognito is just another issuer: with `cognitoUserPool`
 * (aws partition only) the stack creates a user pool and uses it as `oidcIssuer`.
 */
export interface IdentityConfig {
  /** The issuer (`iss`), https; its discovery document gives the JWKS. Required unless `cognitoUserPool`. */
  oidcIssuer?: string;
  /** Accepted audiences (`aud`, or Cognito's `client_id` on access tokens): the pages' client id. */
  oidcAudience?: string;
  /** Claim holding the role (`regulator`, `task_force`, `admin`); default `custom:role`. */
  roleClaim?: string;
  /** Claim holding the jurisdiction (a division code); default `custom:jurisdiction`. */
  jurisdictionClaim?: string;
  /** aws partition only: a Cognito user pool as the issuer (refused in aws-cn, where Cognito is not offered). */
  cognitoUserPool?: boolean;
}

/** The issuer as the API's authorizer sees it (values may be tokens where the stack's Cognito pool provides them). */
export interface ResolvedIdentity {
  issuer: string;
  audience: string;
  roleClaim: string;
  jurisdictionClaim: string;
}

// dev uses its own Cognito user pool in the aws partition; elsewhere (aws-cn, prod) the issuer is given.
export const STAGES: Record<string, StageConfig> = {
  dev: {
    stage: 'dev',
    retain: false,
    throttle: { rateLimit: 20, burstLimit: 40 },
    maxOffers: 5,
    suppressionThreshold: 5,
    personalDataRetentionDays: 180,
    identity: { cognitoUserPool: true },
    // Counties are routed without review unless set `manual` (locally 330108 is: local/review-seed.ts).
    review: { default: 'auto' },
  },
  prod: { stage: 'prod', retain: true, throttle: { rateLimit: 200, burstLimit: 400 }, maxOffers: 5, suppressionThreshold: 5, personalDataRetentionDays: 180, review: { default: 'manual', workingDays: DEFAULT_REVIEW_WORKING_DAYS } },
};

/** Context keys (`-c key=value`) that set a stage's identity and web domain (bin/smefin.ts, docs/deploy-china.md). */
export const CONTEXT_KEYS = [
  'oidcIssuer',
  'oidcAudience',
  'oidcRoleClaim',
  'oidcJurisdictionClaim',
  'cognitoUserPool',
  'webDomain',
  'webCertificateArn',
  'webIamCertificateId',
  'smsEndpoint',
  'smsSignName',
  'smsTemplateCodes',
  'smsApiKeySecret',
] as const;
export type ContextKey = (typeof CONTEXT_KEYS)[number];

/**
 * A stage's config with the identity and web domain settings given as context. An issuer given this
 * way replaces the stage's own Cognito pool unless `cognitoUserPool` is given too.
 */
export function withContext(base: StageConfig, context: (key: ContextKey) => unknown): StageConfig {
  const text = (key: ContextKey): string | undefined => {
    const value = context(key);
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };
  const identity: IdentityConfig = { ...base.identity };
  const issuer = text('oidcIssuer');
  if (issuer) {
    identity.oidcIssuer = issuer;
    delete identity.cognitoUserPool;
  }
  const audience = text('oidcAudience');
  if (audience) identity.oidcAudience = audience;
  const roleClaim = text('oidcRoleClaim');
  if (roleClaim) identity.roleClaim = roleClaim;
  const jurisdictionClaim = text('oidcJurisdictionClaim');
  if (jurisdictionClaim) identity.jurisdictionClaim = jurisdictionClaim;
  const cognito = text('cognitoUserPool');
  if (cognito !== undefined) {
    if (cognito !== 'true' && cognito !== 'false') throw new Error(`-c cognitoUserPool must be true or false, not ${cognito}`);
    identity.cognitoUserPool = cognito === 'true';
  }
  const config: StageConfig = { ...base, identity };
  const domainName = text('webDomain');
  const certificateArn = text('webCertificateArn');
  const iamCertificateId = text('webIamCertificateId');
  if (domainName) {
    config.webDomain = { domainName, ...(certificateArn ? { certificateArn } : {}), ...(iamCertificateId ? { iamCertificateId } : {}) };
  } else if (certificateArn || iamCertificateId) {
    throw new Error('-c webCertificateArn / -c webIamCertificateId need -c webDomain=<the domain name>');
  }
  const smsEndpoint = text('smsEndpoint');
  if (smsEndpoint) {
    const templateCodes = text('smsTemplateCodes');
    const apiKeySecretName = text('smsApiKeySecret');
    config.sms = {
      provider: 'http',
      endpoint: smsEndpoint,
      signName: text('smsSignName') ?? '',
      ...(templateCodes ? { templateCodes: JSON.parse(templateCodes) as Record<string, string> } : {}),
      ...(apiKeySecretName ? { apiKeySecretName } : {}),
    };
  }
  return config;
}

/** The stage's issuer settings, checked against what the partition offers (synth fails with the reason). */
function checkIdentity(identity: IdentityConfig | undefined, stage: string, region: string, partition: string): IdentityConfig {
  const given = identity ?? {};
  const hint = 'set identity.oidcIssuer and identity.oidcAudience in the stage, or -c oidcIssuer=https://… -c oidcAudience=<client id>';
  if (given.cognitoUserPool && partition === 'aws-cn') {
    throw new Error(
      `Stage ${stage} asks for a Cognito user pool (identity.cognitoUserPool), but Cognito user pools are not offered in the AWS China regions (${region}): ${hint} (an external OpenID Connect issuer); see docs/deploy-china.md.`,
    );
  }
  if (given.cognitoUserPool && given.oidcIssuer) {
    throw new Error(`Stage ${stage}: identity.cognitoUserPool and identity.oidcIssuer are exclusive (the pool is the issuer).`);
  }
  if (!given.cognitoUserPool) {
    if (!given.oidcIssuer) {
      throw new Error(
        `Stage ${stage} in ${partition === 'aws-cn' ? `the AWS China region ${region}` : region} has no OpenID Connect issuer for officials' sign-in: ${hint}${partition === 'aws-cn' ? '' : ', or identity.cognitoUserPool: true'}; see docs/deploy-china.md.`,
      );
    }
    let url: URL | undefined;
    try {
      url = new URL(given.oidcIssuer);
    } catch {
      url = undefined;
    }
    if (url?.protocol !== 'https:') throw new Error(`Stage ${stage}: oidcIssuer must be an https URL, not ${JSON.stringify(given.oidcIssuer)}.`);
    if (!given.oidcAudience) throw new Error(`Stage ${stage}: oidcIssuer ${given.oidcIssuer} needs oidcAudience (the pages' client id at that issuer): ${hint}.`);
  }
  return given;
}

export class SmefinStack extends Stack {
  readonly data: Data;
  readonly functions: Functions;
  readonly api: Api;
  readonly workflow: ReferralWorkflow;
  readonly rollup: RollupWorkflow;
  readonly reports: ReportStorage;
  /** The stage's own Cognito user pool, where it has one (aws partition, identity.cognitoUserPool). */
  readonly regulators?: Regulators;
  /** The officials' OpenID Connect issuer, audience and claim names, for the API's authorizer. */
  readonly identity: ResolvedIdentity;
  readonly web: Web;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, config: StageConfig, props: StackProps = {}) {
    super(scope, id, { description: `smefin (${config.stage}): small and micro enterprise financing`, ...props });
    const identity = checkIdentity(config.identity, config.stage, this.region, partitionOf(this));
    const sms = checkSms(config.sms, config.stage, partitionOf(this));
    this.data = new Data(this, 'Data', { retain: config.retain });
    // The pages call the API directly; the API's origin is known only once the API exists, hence lazy.
    const apiOrigin = Lazy.string({
      produce: () => `https://${this.api.restApi.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`,
    });
    // The pages' sign-in talks to the issuer from the browser (token and refresh requests): allowed by the CSP.
    const issuerOrigin = identity.oidcIssuer ? new URL(identity.oidcIssuer).origin : undefined;
    this.web = new Web(this, 'Web', {
      retain: config.retain,
      apiOrigin,
      ...(issuerOrigin ? { issuerOrigin } : {}),
      ...(config.webDomain ? { domain: config.webDomain } : {}),
    });
    this.reports = new ReportStorage(this, 'ReportStorage', { retain: config.retain });
    if (identity.cognitoUserPool) {
      this.regulators = new Regulators(this, 'Regulators', { retain: config.retain, stage: config.stage, webOrigin: this.web.origin });
      this.web.allowConnections(...this.regulators.browserOrigins);
    }
    this.identity = {
      issuer: this.regulators?.issuer ?? identity.oidcIssuer!,
      audience: this.regulators?.clientId ?? identity.oidcAudience!,
      roleClaim: identity.roleClaim ?? ROLE_CLAIM,
      jurisdictionClaim: identity.jurisdictionClaim ?? JURISDICTION_CLAIM,
    };
    this.functions = new Functions(this, 'Functions', {
      reportsBucket: this.reports.bucket,
      suppressionThreshold: config.suppressionThreshold,
      personalDataRetentionDays: config.personalDataRetentionDays,
      tables: this.data.tables,
      webOrigin: this.web.origin,
      bankSecretPrefix: `smefin/${config.stage}/banks/`,
      timeScale: 1,
      maxOffers: config.maxOffers,
      review: { default: config.review?.default ?? 'manual', workingDays: config.review?.workingDays ?? DEFAULT_REVIEW_WORKING_DAYS },
    });
    new TextMessages(this, 'TextMessages', { functions: this.functions.byName, sms });
    this.api = new Api(this, 'Api', {
      functions: this.functions.byName,
      identity: this.identity,
      webOrigin: this.web.origin,
      throttle: config.throttle,
    });
    this.workflow = new ReferralWorkflow(this, 'Referral', {
      functions: this.functions.byName,
      needsTable: this.data.tables.needs,
    });
    // SMS notices from the same stream, beside the workflow: never in its way.
    new EnterpriseNotifications(this, 'Notifications', { functions: this.functions.byName, needsTable: this.data.tables.needs });

    this.rollup = new RollupWorkflow(this, 'Rollup', { functions: this.functions.byName });
    scheduleRollup(this, this.rollup.stateMachine);
    scheduleErasure(this, this.functions.byName['erase-personal-data']);
    scheduleRoutingSweeper(
      this,
      this.functions.byName['routing-sweeper'],
      this.workflow.stateMachine,
      config.routingSweepAfterMinutes ?? DEFAULT_SWEEP_AFTER_MINUTES,
    );

    // Bulk imports: the bucket the pages upload to (allowed by their CSP), its events to the worker.
    const imports = new Imports(this, 'Imports', {
      retain: config.retain,
      webOrigin: this.web.origin,
      api: this.functions.byName.imports,
      worker: this.functions.byName['import-worker'],
    });
    this.web.allowConnections(imports.browserOrigin);

    const deployment = new BucketDeployment(this, 'WebDeployment', {
      destinationBucket: this.web.bucket,
      distribution: this.web.distribution,
      sources: [
        Source.asset(path.join(PROJECT_ROOT, 'web'), {
          bundling: {
            // Built on the machine running cdk synth; no container needed.
            image: DockerImage.fromRegistry('node:22-alpine'),
            local: { tryBundle: (outputDir) => (buildWebSync(outputDir), true) },
          },
        }),
        Source.jsonData('config.json', {
          apiBaseUrl: this.api.restApi.urlForPath('/').replace(/\/$/, ''),
          // The pages' sign-in (web/src/oidc.ts): the issuer, and the first accepted audience as their client id.
          oidcIssuer: this.identity.issuer,
          oidcClientId: Fn.select(0, Fn.split(',', this.identity.audience)),
        }),
      ],
    });

    acknowledgeWebDeploymentFindings(deployment);
    // The custom resource's function and role live at stack level, outside the deployment construct.
    for (const child of this.node.children) {
      if (child.node.id.startsWith('Custom::CDKBucketDeployment')) acknowledgeWebDeploymentFindings(child);
    }

    // Last: it alarms on every dead-letter queue defined above.
    this.observability = new Observability(this, 'Observability', {
      api: this.api.restApi,
      stateMachine: this.workflow.stateMachine,
      rollup: this.rollup.stateMachine,
      ...(config.operatorsEndpoint ? { operatorsEndpoint: config.operatorsEndpoint } : {}),
    });

    new CfnOutput(this, 'WebUrl', { value: this.web.origin });
    new CfnOutput(this, 'ApiUrl', { value: this.api.restApi.url });
    new CfnOutput(this, 'OidcIssuer', { value: this.identity.issuer });
    new CfnOutput(this, 'OidcAudience', { value: this.identity.audience });
    if (this.regulators) {
      new CfnOutput(this, 'RegulatorsUserPoolId', { value: this.regulators.userPool.userPoolId });
      new CfnOutput(this, 'RegulatorsClientId', { value: this.regulators.client.userPoolClientId });
    }
    // For `npm run redrive -- --aws --state-machine <arn>` and the runbook.
    new CfnOutput(this, 'RoutingStateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
    // For `npm run rollup -- --aws --state-machine <arn>` (and the local runtime, which finds it here).
    new CfnOutput(this, 'RollupStateMachineArn', { value: this.rollup.stateMachine.stateMachineArn });
    new CfnOutput(this, 'OperatorAlarmsTopicArn', { value: this.observability.topic.topicArn });
    acknowledgeNagFindings(this);
  }
}
