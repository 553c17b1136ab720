// Text messages to enterprises (shared/adapters/sms.ts): the function that sends them (`sms: 'send'`
// in lib/routes.ts) gets the stage's provider settings and is invoked asynchronously, with Lambda's
// retries and then a dead-letter queue; the functions that hand messages to it (`sms: 'hand-off'`)
// may invoke it. Amazon SNS sends SMS only in the aws partition; in the AWS China regions a licensed
// domestic provider (registered signature, approved templates) is configured instead (docs/sms.md).
import { ArnFormat, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { ENV } from '../shared/domain/environment';
import { SMS_TEMPLATES } from '../shared/domain/sms';
import { DeadLetterQueue, sendAsyncFailuresTo } from './dead-letter';
import { FUNCTIONS, type FunctionDefinition, type FunctionName } from './routes';

export type SmsConfig =
  | { provider: 'sns' }
  | {
      provider: 'http';
      /** The provider's (or its gateway's) https send endpoint. */
      endpoint: string;
      /** The signature registered with the provider (签名). */
      signName: string;
      /** The provider's code of each approved template (shared/domain/sms.ts SMS_TEMPLATES). */
      templateCodes?: Record<string, string>;
      /** Secrets Manager name of the provider's API key. */
      apiKeySecretName?: string;
    };

/** The stage's SMS settings, checked against the partition (synth fails with the reason). */
export function checkSms(sms: SmsConfig | undefined, stage: string, partition: string): SmsConfig {
  const hint = '-c smsEndpoint=https://… -c smsSignName=<registered signature> (docs/sms.md)';
  if (partition === 'aws-cn') {
    if (!sms || sms.provider === 'sns') {
      throw new Error(`Stage ${stage}: Amazon SNS sends no text messages in the AWS China regions; configure a licensed domestic SMS provider: ${hint}.`);
    }
  }
  if (!sms) return { provider: 'sns' };
  if (sms.provider === 'http') {
    if (!/^https:\/\//.test(sms.endpoint)) throw new Error(`Stage ${stage}: the SMS endpoint must be an https URL, not ${JSON.stringify(sms.endpoint)}.`);
    if (!sms.signName) throw new Error(`Stage ${stage}: the SMS provider needs the registered signature: ${hint}.`);
    for (const id of Object.keys(sms.templateCodes ?? {})) {
      if (!(id in SMS_TEMPLATES)) throw new Error(`Stage ${stage}: unknown SMS template ${id}; templates: ${Object.keys(SMS_TEMPLATES).join(', ')}.`);
    }
  }
  return sms;
}

export class TextMessages extends Construct {
  readonly deadLetters: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: { functions: Record<FunctionName, NodejsFunction>; sms: SmsConfig }) {
    super(scope, id);
    const roles = Object.entries(FUNCTIONS).map(([name, definition]) => [name as FunctionName, (definition as FunctionDefinition).sms] as const);
    const senders = roles.filter(([, role]) => role === 'send').map(([name]) => name);
    if (senders.length !== 1) throw new Error(`exactly one function sends text messages (sms: 'send'), not ${senders.length}`);
    const sender = props.functions[senders[0]!];

    const { sms } = props;
    sender.addEnvironment(ENV.smsProvider, sms.provider);
    if (sms.provider === 'sns') {
      // SMS to a phone number has no resource ARN: Publish with a PhoneNumber is granted on '*'.
      sender.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
      Validations.of(sender).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'Amazon SNS text messages go to a phone number, which has no ARN: sns:Publish cannot be narrowed to a resource.',
      });
    } else {
      sender.addEnvironment(ENV.smsEndpoint, sms.endpoint);
      sender.addEnvironment(ENV.smsSignName, sms.signName);
      if (sms.templateCodes) sender.addEnvironment(ENV.smsTemplateCodes, JSON.stringify(sms.templateCodes));
      if (sms.apiKeySecretName) {
        sender.addEnvironment(ENV.smsApiKeySecret, sms.apiKeySecretName);
        sender.addToRolePolicy(
          new PolicyStatement({
            actions: ['secretsmanager:GetSecretValue'],
            resources: [
              Stack.of(this).formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${sms.apiKeySecretName}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
            ],
          }),
        );
      }
    }
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters', {
      purpose: 'text messages: a message the provider refused or could not take after Lambda retried it twice (the invocation record holds the message: a mobile number and a code or link); redrive sends it again',
    });
    sendAsyncFailuresTo(sender, this.deadLetters);

    for (const [name, role] of roles) {
      if (role !== 'hand-off') continue;
      props.functions[name].addEnvironment(ENV.smsFunction, sender.functionName);
      sender.grantInvoke(props.functions[name]);
      Validations.of(props.functions[name]).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(sender.node.defaultChild as CfnElement)}.Arn>:*]`,
        reason: "lambda:InvokeFunction on the one SMS function, its versions and aliases included (CDK's grantInvoke): the hand-off invokes nothing else.",
      });
    }
  }
}
