// One code base, two partitions: an aws stack (us-east-1) and an aws-cn stack (cn-north-1) differ in
// exactly what the China regions demand (no Cognito, no Lambda X-Ray, CloudFront on the ICP-registered
// domain with its IAM certificate), synth refuses China stacks that lack those settings, and both
// pass cdk-nag and CloudFormation's region check of resource types.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../lib/routes';
import { SmefinStack, STAGES, withContext, type StageConfig } from '../../lib/smefin-stack';
import { CHINA_IDENTITY, CHINA_SMS, CHINA_WEB_DOMAIN, chinaStage } from './stages';

const outdirs: string[] = [];
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function synth(config: StageConfig, region: string, options: { nag?: boolean } = {}) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'smefin-part-'));
  outdirs.push(outdir);
  const app = new App({
    outdir,
    // CloudFormation's region check of resource types (e.g. no AWS::Cognito::* in cn-north-1) as errors.
    context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:validateAgainstDefaultRules': true },
  });
  const stack = new SmefinStack(app, 'smefin-part', config, { env: { account: '123456789012', region } });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, template: Template.fromStack(stack) };
}

type Resource = { Type: string; Properties?: Record<string, unknown> };
const resources = (template: Template) => Object.values(template.toJSON().Resources as Record<string, Resource>);
const ourFunctions = (template: Template) =>
  resources(template).filter(
    (r) => r.Type === 'AWS::Lambda::Function' && JSON.stringify(r.Properties?.Environment ?? {}).includes('POWERTOOLS_SERVICE_NAME'),
  );
/** Every service principal of the template (IAM roles, resource policies, KMS and SNS policies). */
function servicePrincipals(template: Template): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'Service') [inner].flat().forEach((service) => found.add(JSON.stringify(service)));
        else walk(inner);
      }
    }
  };
  walk(template.toJSON().Resources);
  return [...found].sort();
}

const AWS_STAGE: StageConfig = STAGES.dev!; // its own Cognito pool
let aws: Template;
let china: Template;
beforeAll(() => {
  aws = synth(AWS_STAGE, 'us-east-1').template;
  china = synth(chinaStage(), 'cn-north-1').template;
});

describe('aws-cn (cn-north-1)', () => {
  it('has no Cognito resources; the authorizer gets the external issuer, audience and claim names', () => {
    expect(resources(china).filter((r) => r.Type.startsWith('AWS::Cognito::'))).toEqual([]);
    const outputs = china.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.OidcIssuer?.Value).toBe(CHINA_IDENTITY.oidcIssuer);
    expect(outputs.OidcAudience?.Value).toBe(CHINA_IDENTITY.oidcAudience);
    expect(outputs).not.toHaveProperty('RegulatorsUserPoolId');
    const withIssuer = resources(china).filter((r) => JSON.stringify(r.Properties?.Environment ?? {}).includes('OIDC_ISSUER'));
    expect(withIssuer.length).toBeGreaterThan(0);
    for (const fn of withIssuer) {
      expect((fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        OIDC_ISSUER: CHINA_IDENTITY.oidcIssuer,
        OIDC_AUDIENCE: CHINA_IDENTITY.oidcAudience,
        OIDC_ROLE_CLAIM: 'custom:role',
        OIDC_JURISDICTION_CLAIM: 'custom:jurisdiction',
      });
    }
  });

  it('traces no Lambda function (none Active, the CDK custom resources included) and turns the Powertools Tracer off', () => {
    const lambdas = resources(china).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(lambdas.length).toBeGreaterThan(Object.keys(FUNCTIONS).length - 1);
    for (const fn of lambdas) expect(JSON.stringify(fn.Properties?.TracingConfig ?? {})).not.toContain('Active');
    for (const fn of ourFunctions(china)) {
      expect((fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables.POWERTOOLS_TRACE_ENABLED).toBe('false');
    }
  });

  it('serves the pages on the ICP-registered domain with its IAM server certificate (TLS 1.2, SNI) through an origin access identity', () => {
    china.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        Aliases: [CHINA_WEB_DOMAIN.domainName],
        ViewerCertificate: { IamCertificateId: CHINA_WEB_DOMAIN.iamCertificateId, SslSupportMethod: 'sni-only', MinimumProtocolVersion: 'TLSv1.2_2021' },
      },
    });
    china.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 1);
    china.resourceCountIs('AWS::CloudFront::OriginAccessControl', 0);
    expect((china.toJSON().Outputs as Record<string, { Value: unknown }>).WebUrl?.Value).toBe(`https://${CHINA_WEB_DOMAIN.domainName}`);
    // No CloudFront web ACL there; the API keeps its regional one.
    china.resourcePropertiesCountIs('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' } as never, 0);
    china.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'REGIONAL' });
  });

  it.each([
    ['aws', () => aws],
    ['aws-cn', () => china],
  ])('%s: CloudFront compresses the pages (Brotli or gzip by Accept-Encoding, the managed CachingOptimized policy)', (_, template) => {
    template().hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: { DefaultCacheBehavior: { Compress: true, CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6' } },
    });
  });

  it("lets the pages' sign-in reach the external issuer (CSP connect-src)", () => {
    const policies = resources(china).filter((r) => r.Type === 'AWS::CloudFront::ResponseHeadersPolicy');
    const csp = JSON.stringify(policies.map((p) => p.Properties));
    expect(csp).toContain(`connect-src 'self'`);
    expect(csp).toContain(new URL(CHINA_IDENTITY.oidcIssuer).origin);
  });

  it('names service principals in the form aws-cn takes: <service>.amazonaws.com', () => {
    // The CDK renders every service principal as <service>.amazonaws.com (also in aws-cn, where the old
    // regional .amazonaws.com.cn forms are not needed): the workflow, the pipe, API Gateway's logging
    // role, the schedules, the alarm topic's policy and the functions.
    expect(servicePrincipals(china)).toEqual(
      ['apigateway', 'cloudwatch', 'events', 'lambda', 'pipes', 'states'].map((service) => `"${service}.amazonaws.com"`),
    );
    // Outside China the same, plus CloudFront's (origin access control on the pages' bucket).
    expect(servicePrincipals(aws)).toEqual([...servicePrincipals(china), '"cloudfront.amazonaws.com"'].sort());
  });

  it.each([
    ['no web domain', { ...chinaStage(), webDomain: undefined }, /ICP-registered custom domain/],
    ['an ACM certificate', { ...chinaStage(), webDomain: { domainName: CHINA_WEB_DOMAIN.domainName, certificateArn: 'arn:aws-cn:acm:cn-north-1:123456789012:certificate/x' } }, /takes no ACM certificate/],
    ['no issuer', { ...chinaStage(), identity: undefined }, /no OpenID Connect issuer/],
    ['an issuer without an audience', { ...chinaStage(), identity: { oidcIssuer: CHINA_IDENTITY.oidcIssuer } }, /needs oidcAudience/],
    ['a plain-http issuer', { ...chinaStage(), identity: { ...CHINA_IDENTITY, oidcIssuer: 'http://idp.example.gov.cn' } }, /must be an https URL/],
    ['a Cognito user pool', { ...chinaStage(), identity: { cognitoUserPool: true } }, /Cognito user pools are not offered in the AWS China regions/],
  ])('refuses to synthesize with %s', (_, config, message) => {
    expect(() => synth(config as StageConfig, 'cn-north-1')).toThrow(message);
  });
});

describe('aws (us-east-1)', () => {
  it("lets the pages sign in on the Cognito pool: hosted domain, a public code + PKCE client back to the regulator page, both origins in the CSP", () => {
    aws.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
    aws.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'profile'],
    });
    const client = resources(aws).find((r) => r.Type === 'AWS::Cognito::UserPoolClient')!;
    expect(JSON.stringify(client.Properties)).toContain('/regulator.html');
    const csp = JSON.stringify(resources(aws).filter((r) => r.Type === 'AWS::CloudFront::ResponseHeadersPolicy').map((p) => p.Properties));
    expect(csp).toContain('cognito-idp.');
    expect(csp).toContain('.auth.');
  });

  it("has the dev stage's Cognito user pool as the issuer, with conditional outputs", () => {
    aws.resourceCountIs('AWS::Cognito::UserPool', 1);
    const outputs = aws.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs).toHaveProperty('RegulatorsUserPoolId');
    // https://cognito-idp.<region>.<url suffix>/<pool id>
    expect(JSON.stringify(outputs.OidcIssuer?.Value)).toMatch(/https:\/\/cognito-idp\.us-east-1\..*AWS::URLSuffix.*RegulatorsUserPool/);
  });

  it('traces every function with X-Ray and keeps the Tracer on', () => {
    for (const fn of ourFunctions(aws)) {
      expect(fn.Properties).toMatchObject({ TracingConfig: { Mode: 'Active' }, Environment: { Variables: { POWERTOOLS_TRACE_ENABLED: 'true' } } });
    }
  });

  it('takes an ACM certificate for a custom domain, and origin access control', () => {
    const { template } = synth({ ...AWS_STAGE, webDomain: { domainName: 'smefin.example.com', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' } }, 'us-east-1');
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        Aliases: ['smefin.example.com'],
        ViewerCertificate: { AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc', MinimumProtocolVersion: 'TLSv1.2_2021' },
      },
    });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
  });

  it('refuses a Cognito pool and an external issuer at once', () => {
    expect(() => synth({ ...AWS_STAGE, identity: { cognitoUserPool: true, ...CHINA_IDENTITY } }, 'us-east-1')).toThrow(/exclusive/);
  });
});

describe('both partitions', () => {
  it('are partition-agnostic: no literal arn:aws: anywhere', () => {
    expect(JSON.stringify(aws.toJSON())).not.toMatch(/arn:aws:/);
    expect(JSON.stringify(china.toJSON())).not.toMatch(/arn:aws:/);
  });

  it.each([
    ['aws', AWS_STAGE, 'us-east-1'],
    ['aws-cn', chinaStage(), 'cn-north-1'],
    ['aws-cn Ningxia', chinaStage(STAGES.dev!), 'cn-northwest-1'],
  ])('%s: cdk-nag and the region check of resource types find nothing unacknowledged', (_, config, region) => {
    const { app } = synth(config, region, { nag: true });
    expect(() => app.synth()).not.toThrow();
  });
});

describe('settings as context (bin/smefin.ts)', () => {
  it('an issuer given as context replaces the stage’s own Cognito pool; the web domain comes with its certificate', () => {
    const context: Record<string, string> = {
      oidcIssuer: 'https://idp.example.gov.cn',
      oidcAudience: 'web',
      oidcRoleClaim: 'roles.smefin',
      webDomain: 'smefin.example.com.cn',
      webIamCertificateId: 'ASCA1',
    };
    expect(withContext(STAGES.dev!, (key) => context[key])).toMatchObject({
      identity: { oidcIssuer: 'https://idp.example.gov.cn', oidcAudience: 'web', roleClaim: 'roles.smefin' },
      webDomain: { domainName: 'smefin.example.com.cn', iamCertificateId: 'ASCA1' },
    });
    expect(withContext(STAGES.dev!, (key) => context[key]).identity).not.toHaveProperty('cognitoUserPool');
    expect(withContext(STAGES.dev!, () => undefined).identity).toEqual({ cognitoUserPool: true });
    expect(() => withContext(STAGES.dev!, (key) => ({ cognitoUserPool: 'yes' })[key as string])).toThrow(/true or false/);
    expect(() => withContext(STAGES.dev!, (key) => ({ webIamCertificateId: 'x' })[key as string])).toThrow(/need -c webDomain/);
  });

  it('`-c region=cn-north-1` gives an aws-cn stack; without an issuer the app fails with the reason', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'smefin-bin-'));
    outdirs.push(outdir);
    const run = (context: Record<string, unknown>) =>
      execFileSync(process.execPath, ['--import', 'tsx', path.resolve('bin/smefin.ts')], {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          CDK_OUTDIR: outdir,
          CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [], ...context }),
        },
        stdio: 'pipe',
      });
    const settings = {
      region: 'cn-north-1',
      stage: 'prod',
      oidcIssuer: CHINA_IDENTITY.oidcIssuer,
      oidcAudience: CHINA_IDENTITY.oidcAudience,
      webDomain: CHINA_WEB_DOMAIN.domainName,
      webIamCertificateId: CHINA_WEB_DOMAIN.iamCertificateId,
      smsEndpoint: CHINA_SMS.endpoint,
      smsSignName: CHINA_SMS.signName,
    };
    run(settings);
    const template = JSON.parse(readFileSync(path.join(outdir, 'smefin-prod.template.json'), 'utf8')) as { Resources: Record<string, Resource> };
    expect(Object.values(template.Resources).some((r) => r.Type === 'AWS::CloudFront::CloudFrontOriginAccessIdentity')).toBe(true);
    expect(Object.values(template.Resources).some((r) => r.Type.startsWith('AWS::Cognito::'))).toBe(false);
    expect(() => run({ ...settings, oidcIssuer: undefined })).toThrow(/no OpenID Connect issuer/);
    expect(() => run({ ...settings, smsEndpoint: undefined })).toThrow(/Amazon SNS sends no text messages in the AWS China regions/);
  });
});
