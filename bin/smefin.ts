#!/usr/bin/env node
// The CDK app: one stack per stage (`-c stage=prod`, default dev), in the account and region of the
// caller's credentials. Production belongs in an AWS China region (aws-cn partition).
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SmefinStack, STAGES } from '../lib/smefin-stack';

const app = new App();
const stageName = (app.node.tryGetContext('stage') as string | undefined) ?? 'dev';
const config = STAGES[stageName];
if (!config) throw new Error(`unknown stage ${stageName}; known: ${Object.keys(STAGES).join(', ')}`);

new SmefinStack(app, `smefin-${config.stage}`, config, {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
