// The CDK stack: assertions on what the template must hold, and cdk-nag (AwsSolutions, through the
// Validations API) with zero unacknowledged findings.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, ROUTES } from '../../lib/routes';
import { SmefinStack, STAGES } from '../../lib/smefin-stack';
import { CHINA_WEB_DOMAIN, chinaStage } from './stages';

const outdirs: string[] = [];
function newApp(options: { bundle: boolean; nag: boolean }) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'smefin-cdk-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] } });
  const stack = new SmefinStack(app, 'smefin-test', chinaStage(), { env: { account: '123456789012', region: 'cn-northwest-1' } });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, outdir };
}
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('template outside China', () => {
  it('uses origin access control for the pages bucket', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new SmefinStack(app, 'smefin-global', STAGES.dev!, { env: { region: 'eu-west-1' } });
    Template.fromStack(stack).resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
  });
});

describe('template', () => {
  let template: Template;
  let json: string;
  beforeAll(() => {
    const { stack } = newApp({ bundle: false, nag: false });
    template = Template.fromStack(stack);
    json = JSON.stringify(template.toJSON());
  });

  it('has one Node.js 22 arm64 function per function in the route table, with JSON logs (untraced in China: no Lambda X-Ray there)', () => {
    const ours = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'smefin' } } },
      }),
    );
    expect(ours).toHaveLength(Object.keys(FUNCTIONS).length);
    for (const fn of ours) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        LoggingConfig: { LogFormat: 'JSON' },
        Environment: { Variables: { POWERTOOLS_TRACE_ENABLED: 'false' } },
      });
      // Source maps are for offline lookup: not decoded at run time (no --enable-source-maps).
      expect(fn.Properties.Environment.Variables).not.toHaveProperty('NODE_OPTIONS');
      expect(fn.Properties.TracingConfig).toBeUndefined();
    }
  });

  it('routes every API route to its function', () => {
    for (const route of ROUTES) {
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: route.method,
        Integration: Match.objectLike({ Type: 'AWS_PROXY' }),
      });
    }
    template.resourcePropertiesCountIs('AWS::ApiGateway::Method', { Integration: { Type: 'AWS_PROXY' } } as never, ROUTES.length);
  });

  it('serves GET /v1/counties/{countyCode}/banks, public, with the county-banks function', () => {
    const resources = template.findResources('AWS::ApiGateway::Resource');
    const parentPart = (id: string) => {
      const parent = resources[id]!.Properties.ParentId as { Ref?: string };
      return parent.Ref && resources[parent.Ref] ? (resources[parent.Ref]!.Properties.PathPart as string) : undefined;
    };
    const banks = Object.keys(resources).filter((id) => resources[id]!.Properties.PathPart === 'banks' && parentPart(id) === '{countyCode}');
    expect(banks).toHaveLength(1);
    // GET, and the CORS preflight.
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method', { Properties: { ResourceId: { Ref: banks[0] }, HttpMethod: 'GET' } }));
    expect(methods).toHaveLength(1);
    expect(methods[0]!.Properties.AuthorizationType).toBe('NONE');
    expect(JSON.stringify(methods[0]!.Properties.Integration.Uri)).toContain('FunctionsCountyBanks');
  });

  it('keeps data safe: point-in-time recovery, encryption, TTL, deletion protection in production', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 4);
    template.allResourcesProperties('AWS::DynamoDB::GlobalTable', {
      SSESpecification: { SSEEnabled: true },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true })],
    } as never);
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      GlobalSecondaryIndexes: Match.arrayWith([Match.objectLike({ IndexName: 'byCountyStatus' })]),
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('throttles, access-logs and traces the API stage, behind a regional WAF', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: STAGES.prod!.throttle.rateLimit })],
    });
    template.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'REGIONAL' });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });

  it('allows CORS only from the web distribution', () => {
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'OPTIONS',
      Integration: Match.objectLike({
        IntegrationResponses: [
          Match.objectLike({
            ResponseParameters: Match.objectLike({
              // The pages' custom domain (required in China).
              'method.response.header.Access-Control-Allow-Origin': `'https://${CHINA_WEB_DOMAIN.domainName}'`,
            }),
          }),
        ],
      }),
    });
    expect(json).not.toContain(`"method.response.header.Access-Control-Allow-Origin":"'*'"`);
  });

  it('serves the pages from a private bucket through CloudFront with origin access control and security headers', () => {
    // Production is in an AWS China region, where CloudFront uses an origin access identity.
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 1);
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({ FrameOptions: { FrameOption: 'DENY', Override: true } }),
      }),
    });
  });

  it('is partition-agnostic: no literal arn:aws: anywhere', () => {
    expect(json).not.toMatch(/arn:aws:/);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the real, bundled stack', () => {
    const { app, outdir } = newApp({ bundle: true, nag: true });
    expect(() => app.synth()).not.toThrow();
    // The functions were really bundled by esbuild: minified ES modules with a source map.
    const assets = JSON.parse(readFileSync(path.join(outdir, 'smefin-test.assets.json'), 'utf8')) as {
      files: Record<string, { source: { path: string } }>;
    };
    const bundles = Object.values(assets.files)
      .map((file) => path.join(outdir, file.source.path, 'index.mjs'))
      .filter((file) => existsSync(file));
    expect(bundles.length).toBe(Object.keys(FUNCTIONS).length);
    for (const bundle of bundles) {
      expect(statSync(`${bundle}.map`).isFile()).toBe(true);
      const code = readFileSync(bundle, 'utf8');
      // Minified: long lines (an unminified bundle averages well under 100 characters a line).
      expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
      // China region: the Powertools Tracer and the X-Ray SDK are left out of the bundle.
      expect(code).not.toMatch(/AWSXRay|lambdaSegment/);
    }
  });

  it('does fail on an unacknowledged finding (control)', () => {
    const { app, stack } = newApp({ bundle: false, nag: true });
    new Bucket(stack, 'UnloggedBucket');
    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });
});
