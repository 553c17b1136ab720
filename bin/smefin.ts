#!/usr/bin/env node
// The CDK app: one stack per stage (`-c stage=prod`, default dev) in the region of `-c region=…` or of
// the caller's credentials (CDK_DEFAULT_REGION). The partition follows from the region: cn-north-1 and
// cn-northwest-1 give an aws-cn stack (no Cognito, no Lambda tracing, CloudFront on the ICP-registered
// domain). Identity and web domain settings may come as context too (docs/deploy-china.md):
//   -c oidcIssuer=https://… -c oidcAudience=<client id> [-c oidcRoleClaim=… -c oidcJurisdictionClaim=…]
//   -c cognitoUserPool=true|false  -c webDomain=<name> -c webIamCertificateId=<id> | -c webCertificateArn=<arn>
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SmefinStack, STAGES, withContext, type ContextKey } from '../lib/smefin-stack';

const app = new App();
const context = (key: ContextKey | 'stage' | 'region'): unknown => app.node.tryGetContext(key);
const stageName = (context('stage') as string | undefined) ?? 'dev';
const stage = STAGES[stageName];
if (!stage) throw new Error(`unknown stage ${stageName}; known: ${Object.keys(STAGES).join(', ')}`);
const config = withContext(stage, context);
const region = (context('region') as string | undefined) ?? process.env.CDK_DEFAULT_REGION;

new SmefinStack(app, `smefin-${config.stage}`, config, {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
