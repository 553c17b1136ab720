// Text messages in the template (lib/sms.ts): Amazon SNS in the aws partition, a licensed domestic
// provider in aws-cn (where SNS sends no SMS), the asynchronous hand-off with its retries and
// dead-letter queue, and who may invoke the sender.
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SmefinStack, STAGES, type StageConfig } from '../../lib/smefin-stack';
import { CHINA_SMS, chinaStage } from './stages';

const synth = (config: StageConfig, region: string) =>
  Template.fromStack(new SmefinStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'smefin-sms', config, { env: { account: '123456789012', region } }));

let china: Template;
let aws: Template;
beforeAll(() => {
  china = synth(chinaStage(), 'cn-north-1');
  aws = synth({ ...STAGES.prod!, identity: { oidcIssuer: 'https://idp.example.com', oidcAudience: 'web' } }, 'us-east-1');
}, 120_000);

const functionsWith = (template: Template, variable: string) =>
  Object.entries(template.findResources('AWS::Lambda::Function')).filter(([, fn]) => fn.Properties.Environment?.Variables?.[variable] !== undefined);
const statementsWith = (template: Template, action: string) =>
  Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).filter((s) => [s.Action].flat().includes(action)),
  );

describe('text messages', () => {
  it('go through the licensed provider in aws-cn: endpoint, signature, its API key secret, and no SNS anywhere', () => {
    const [[id, sender]] = functionsWith(china, 'SMS_PROVIDER') as [[string, { Properties: { Environment: { Variables: Record<string, unknown> } } }]];
    expect(id).toMatch(/^FunctionsSendSms/);
    expect(sender.Properties.Environment.Variables).toMatchObject({
      SMS_PROVIDER: 'http',
      SMS_HTTP_ENDPOINT: CHINA_SMS.endpoint,
      SMS_SIGN_NAME: CHINA_SMS.signName,
      SMS_API_KEY_SECRET: CHINA_SMS.apiKeySecretName,
    });
    expect(statementsWith(china, 'sns:Publish')).toEqual([]);
    expect(JSON.stringify(statementsWith(china, 'secretsmanager:GetSecretValue'))).toContain(`secret:${CHINA_SMS.apiKeySecretName}-??????`);
  });

  it('go through Amazon SNS in the aws partition', () => {
    const [[, sender]] = functionsWith(aws, 'SMS_PROVIDER') as [[string, { Properties: { Environment: { Variables: Record<string, unknown> } } }]];
    expect(sender.Properties.Environment.Variables.SMS_PROVIDER).toBe('sns');
    expect(statementsWith(aws, 'sns:Publish')).toEqual([expect.objectContaining({ Resource: '*' })]);
  });

  it('are handed off asynchronously: two retries, then the dead-letter queue; only status-links and notify-enterprise may invoke the sender', () => {
    for (const template of [china, aws]) {
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: Match.stringLikeRegexp('^FunctionsSendSms') },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TextMessagesDeadLetters'), 'Arn'] } } },
      });
      expect(functionsWith(template, 'SMS_FUNCTION_NAME').map(([id]) => id).sort()).toEqual([expect.stringMatching(/^FunctionsNotifyEnterprise/), expect.stringMatching(/^FunctionsStatusLinks/)]);
      const invokers = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([, policy]) =>
        JSON.stringify(policy.Properties.PolicyDocument).includes('lambda:InvokeFunction') && JSON.stringify(policy.Properties.PolicyDocument).includes('FunctionsSendSms'),
      );
      expect(invokers.map(([id]) => id).sort()).toEqual([
        expect.stringMatching(/^FunctionsNotifyEnterpriseServiceRoleDefaultPolicy/),
        expect.stringMatching(/^FunctionsStatusLinksServiceRoleDefaultPolicy/),
      ]);
    }
  });

  it('refuse to synthesize in aws-cn without a domestic provider, or with SNS', () => {
    const { sms: _sms, ...withoutSms } = chinaStage();
    expect(() => synth(withoutSms, 'cn-northwest-1')).toThrow(/Amazon SNS sends no text messages in the AWS China regions/);
    expect(() => synth({ ...chinaStage(), sms: { provider: 'sns' } }, 'cn-northwest-1')).toThrow(/Amazon SNS sends no text messages/);
    expect(() => synth({ ...chinaStage(), sms: { ...CHINA_SMS, endpoint: 'http://sms.example.com.cn' } }, 'cn-northwest-1')).toThrow(/must be an https URL/);
  });
});
