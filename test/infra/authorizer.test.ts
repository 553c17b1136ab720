// The API's Lambda authorizer in both partitions: REQUEST type on the Authorization header, results
// cached per token for AUTHORIZER_CACHE_SECONDS, on every route marked `auth` and no other, with the
// stage's issuer, audience and claim names as the authorizer function's settings (the stage's own
// Cognito pool as the issuer where it has one); no Cognito authorizer anywhere.
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUTHORIZER_CACHE_SECONDS } from '../../lib/api';
import { ROUTES } from '../../lib/routes';
import { SmefinStack, STAGES } from '../../lib/smefin-stack';
import { ENV } from '../../shared/domain/environment';
import { CHINA_IDENTITY, chinaStage } from './stages';

const CUSTOM_CLAIMS = { roleClaim: 'smefin_role', jurisdictionClaim: 'division' };

function synth(region: string, china: boolean): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const base = chinaStage();
  const config = china ? { ...base, identity: { ...base.identity, ...CUSTOM_CLAIMS } } : STAGES.dev!;
  return Template.fromStack(new SmefinStack(app, `smefin-auth-${region}`, config, { env: { account: '123456789012', region } }));
}

function authorizerFunctionId(template: Template): string {
  const [id] = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('FunctionsAuthorizer'))!;
  return id;
}

describe.each([
  ['cn-northwest-1', true],
  ['eu-west-1', false],
] as const)('in %s', (region, china) => {
  let template: Template;
  beforeAll(() => {
    template = synth(region, china);
  });

  it('has one REQUEST authorizer on the Authorization header, cached per token, on the authorizer function', () => {
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
    const [authorizer] = Object.values(template.findResources('AWS::ApiGateway::Authorizer'));
    expect(authorizer!.Properties).toMatchObject({
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: AUTHORIZER_CACHE_SECONDS,
    });
    expect(AUTHORIZER_CACHE_SECONDS).toBeLessThanOrEqual(300);
    expect(JSON.stringify(authorizer!.Properties.AuthorizerUri)).toContain(authorizerFunctionId(template));
  });

  it('guards every route marked auth, and no other', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).filter((m) => m.Properties.HttpMethod !== 'OPTIONS');
    const custom = methods.filter((m) => m.Properties.AuthorizationType === 'CUSTOM');
    expect(custom).toHaveLength(ROUTES.filter((route) => route.auth === 'official').length);
    expect(custom.length).toBeGreaterThan(0);
    for (const method of custom) expect(method.Properties.AuthorizerId).toEqual({ Ref: expect.stringMatching(/^ApiOfficials/) });
    expect(methods.filter((m) => m.Properties.AuthorizationType === 'COGNITO_USER_POOLS')).toEqual([]);
    expect(methods.filter((m) => !['CUSTOM', 'NONE'].includes(m.Properties.AuthorizationType))).toEqual([]);
  });

  it("gives the authorizer function the stage's issuer, audience and claim names", () => {
    const variables = template.toJSON().Resources[authorizerFunctionId(template)].Properties.Environment.Variables;
    if (china) {
      expect(variables).toMatchObject({
        [ENV.oidcIssuer]: CHINA_IDENTITY.oidcIssuer,
        [ENV.oidcAudience]: CHINA_IDENTITY.oidcAudience,
        [ENV.oidcRoleClaim]: CUSTOM_CLAIMS.roleClaim,
        [ENV.oidcJurisdictionClaim]: CUSTOM_CLAIMS.jurisdictionClaim,
      });
    } else {
      // The stage's own Cognito user pool is the issuer: its URL and the pages' app client id.
      const [poolId] = Object.keys(template.findResources('AWS::Cognito::UserPool'));
      const [clientId] = Object.keys(template.findResources('AWS::Cognito::UserPoolClient'));
      expect(JSON.stringify(variables[ENV.oidcIssuer])).toContain('cognito-idp.');
      expect(JSON.stringify(variables[ENV.oidcIssuer])).toContain(poolId);
      expect(variables[ENV.oidcAudience]).toEqual({ Ref: clientId });
      expect(variables).toMatchObject({ [ENV.oidcRoleClaim]: 'custom:role', [ENV.oidcJurisdictionClaim]: 'custom:jurisdiction' });
    }
  });

  it('lets API Gateway invoke the authorizer function', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [authorizerFunctionId(template), 'Arn'] },
    });
  });

  it('answers an authorizer that fails with 503 problem+json, and a missing or bad token with 401', () => {
    for (const [type, status] of [['AUTHORIZER_FAILURE', '503'], ['AUTHORIZER_CONFIGURATION_ERROR', '503'], ['UNAUTHORIZED', '401'], ['ACCESS_DENIED', '403']]) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        StatusCode: status,
        ResponseTemplates: { 'application/json': Match.stringLikeRegexp(`"status":${status}`) },
      });
    }
  });
});
