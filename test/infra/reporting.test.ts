// Reporting infrastructure: the report bucket's protections, the regulators' user pool and the
// authorizer on the report routes, the 01:00 CST schedule, and report grants limited to their prefixes.
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../lib/routes';
import { SmefinStack, STAGES } from '../../lib/smefin-stack';
import { chinaStage } from './stages';

let template: Template;
beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  template = Template.fromStack(new SmefinStack(app, 'smefin-rep', chinaStage(), { env: { account: '123456789012', region: 'cn-northwest-1' } }));
});

describe('report bucket', () => {
  it('blocks public access, is encrypted and versioned, with lifecycle rules and access logs', () => {
    const [logicalId, bucket] = Object.entries(template.findResources('AWS::S3::Bucket')).find(([id]) => id.startsWith('ReportStorageReports'))!;
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: expect.any(Object),
    });
    expect(bucket.Properties.LifecycleConfiguration.Rules.length).toBeGreaterThanOrEqual(2);
    expect(bucket.DeletionPolicy).toBe('Retain');
    // TLS only.
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('the roll-up may only put, the readers only get, and only under the report prefixes', () => {
    const statements = (prefix: string) =>
      Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties.Roles).includes(prefix))
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .filter((s: { Action: string | string[] }) => [s.Action].flat().some((a) => a.startsWith('s3:')));
    expect(statements('FunctionsRollupCoverage').map((s: { Action: string }) => s.Action)).toEqual(['s3:PutObject']);
    for (const reader of ['FunctionsReportList', 'FunctionsReportDownload']) {
      const [statement] = statements(reader);
      expect(statement.Action).toBe('s3:GetObject');
      expect(JSON.stringify(statement.Resource)).toMatch(/\/reports\/\*.*\/public-reports\/\*/);
    }
    expect(statements('FunctionsSubmitNeed')).toEqual([]);
  });
});

describe('regulators', () => {
  it('have a user pool without self sign-up, with MFA, and a jurisdiction attribute where a stage opts in (aws partition only)', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const aws = Template.fromStack(new SmefinStack(app, 'smefin-rep-aws', STAGES.dev!, { env: { account: '123456789012', region: 'us-east-1' } }));
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    aws.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      Schema: Match.arrayWith([Match.objectLike({ Name: 'jurisdiction', Mutable: true })]),
    });
  });

  it('every report route needs the Lambda authorizer; no other route does (test/infra/authorizer.test.ts)', () => {
    const authorized = Object.values(template.findResources('AWS::ApiGateway::Method')).filter(
      (m) => m.Properties.AuthorizationType === 'CUSTOM',
    );
    expect(authorized).toHaveLength(ROUTES.filter((r) => r.auth === 'official').length);
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
  });
});

describe('schedule', () => {
  it('runs the roll-up daily at 01:00 China Standard Time (17:00 UTC)', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 17 * * ? *)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FunctionsRollupCoverage'), 'Arn'] } })],
    });
  });
});

describe('gateway responses', () => {
  it("API Gateway's own 4xx/5xx answers allow the web origin, so pages can read a 401", () => {
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Access-Control-Allow-Origin': Match.anyValue() }),
      });
    }
  });
});
