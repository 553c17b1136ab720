// SMS notices in the template (lib/notifications.ts), in both partitions: a second pipe on the needs
// stream, filtered to changes of need items, into notify-enterprise, with retries, bisection and a
// dead-letter queue that is alarmed; the pipe's role reaches only its stream, its target and its
// queue; notify-enterprise hands messages to send-sms and touches only need items and its
// idempotency records.
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { NEED_AWAITING_CONSENT_FILTER, NEED_CHANGE_FILTER } from '../../lib/notifications';
import { NEW_NEED_FILTER } from '../../lib/referral-workflow';
import { SmefinStack, STAGES, type StageConfig } from '../../lib/smefin-stack';
import { matchesPattern } from '../../local/stream-poller';
import { chinaStage } from './stages';

const synth = (config: StageConfig, region: string) =>
  Template.fromStack(new SmefinStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'smefin-notify', config, { env: { account: '123456789012', region } }));

let templates: [string, Template][];
beforeAll(() => {
  templates = [
    ['aws-cn', synth(chinaStage(), 'cn-north-1')],
    ['aws', synth({ ...STAGES.prod!, identity: { oidcIssuer: 'https://idp.example.com', oidcAudience: 'web' } }, 'us-east-1')],
  ];
}, 120_000);

type Statement = { Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };
const statementsOfRole = (template: Template, rolePrefix: string): Statement[] =>
  Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(rolePrefix))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
const actions = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat());
const idOf = (template: Template, type: string, prefix: string) => Object.keys(template.findResources(type)).find((id) => id.startsWith(prefix))!;

describe('the notifier pipe', () => {
  it('reads need changes from the needs stream into notify-enterprise: retried 10 times, halved, then its dead-letter queue', () => {
    for (const [, template] of templates) {
      template.hasResourceProperties('AWS::Pipes::Pipe', {
        Source: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataNeeds'), 'StreamArn'] },
        SourceParameters: {
          DynamoDBStreamParameters: {
            StartingPosition: 'TRIM_HORIZON',
            BatchSize: 10,
            MaximumRetryAttempts: 10,
            OnPartialBatchItemFailure: 'AUTOMATIC_BISECT',
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotificationsNotifyEnterpriseDeadLetters'), 'Arn'] } },
          },
          FilterCriteria: { Filters: [{ Pattern: JSON.stringify(NEED_CHANGE_FILTER) }, { Pattern: JSON.stringify(NEED_AWAITING_CONSENT_FILTER) }] },
        },
        Target: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FunctionsNotifyEnterprise'), 'Arn'] },
      });
      expect(Object.keys(template.findResources('AWS::Pipes::Pipe'))).toHaveLength(2);
    }
  });

  it('passes changes of need items only (and a need inserted awaiting its consent), and the routing pipe new needs submitted only', () => {
    const record = (eventName: string, itemType: string, status = 'submitted') => ({ eventName, dynamodb: { NewImage: { itemType: { S: itemType }, status: { S: status } } } });
    expect(matchesPattern(NEED_CHANGE_FILTER, record('MODIFY', 'need'))).toBe(true);
    expect(matchesPattern(NEED_CHANGE_FILTER, record('INSERT', 'need'))).toBe(false);
    expect(matchesPattern(NEED_CHANGE_FILTER, record('MODIFY', 'referral'))).toBe(false);
    expect(matchesPattern(NEED_AWAITING_CONSENT_FILTER, record('INSERT', 'need', 'awaiting_consent'))).toBe(true);
    expect(matchesPattern(NEED_AWAITING_CONSENT_FILTER, record('INSERT', 'need'))).toBe(false);
    expect(matchesPattern(NEW_NEED_FILTER, record('MODIFY', 'need'))).toBe(false);
    expect(matchesPattern(NEW_NEED_FILTER, record('INSERT', 'need'))).toBe(true);
    // A need entered from a visit without consent starts no workflow: its owner's confirmation does.
    expect(matchesPattern(NEW_NEED_FILTER, record('INSERT', 'need', 'awaiting_consent'))).toBe(false);
  });

  it('has a role that reads the stream, invokes notify-enterprise and writes its dead-letter queue, nothing else', () => {
    for (const [, template] of templates) {
      const statements = statementsOfRole(template, 'NotificationsPipeRole');
      const queue = idOf(template, 'AWS::SQS::Queue', 'NotificationsNotifyEnterpriseDeadLetters');
      const notifier = idOf(template, 'AWS::Lambda::Function', 'FunctionsNotifyEnterprise');
      const invoke = statements.filter((s) => actions([s]).includes('lambda:InvokeFunction'));
      expect(JSON.stringify(invoke)).toContain(notifier);
      expect(JSON.stringify(invoke)).not.toContain('FunctionsStartRouting');
      const send = statements.filter((s) => actions([s]).includes('sqs:SendMessage'));
      expect(send.map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [queue, 'Arn'] }]);
      const others = actions(statements).filter((a) => !a.startsWith('dynamodb:') && !a.startsWith('lambda:') && !a.startsWith('sqs:'));
      expect(others).toEqual([]);
      expect(actions(statements).filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(
        ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'].sort(),
      );
    }
  });

  it('alarms on its dead-letter queue', () => {
    for (const [, template] of templates) {
      const queue = idOf(template, 'AWS::SQS::Queue', 'NotificationsNotifyEnterpriseDeadLetters');
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'smefin-notify-DeadLetters-NotifyEnterpriseDeadLetters',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
        AlarmDescription: Match.stringLikeRegexp('SMS notices'),
      });
    }
  });
});

describe('notify-enterprise', () => {
  it('hands messages to send-sms, and touches only need items (LeadingKeys) and its idempotency records', () => {
    for (const [, template] of templates) {
      const notifier = Object.values(template.findResources('AWS::Lambda::Function')).find((fn) =>
        JSON.stringify(fn.Properties.Role).includes('FunctionsNotifyEnterpriseServiceRole'),
      )!;
      expect(Object.keys(notifier.Properties.Environment.Variables)).toEqual(
        expect.arrayContaining(['SMS_FUNCTION_NAME', 'NEEDS_TABLE_NAME', 'IDEMPOTENCY_TABLE_NAME', 'WEB_ORIGIN']),
      );
      const statements = statementsOfRole(template, 'FunctionsNotifyEnterpriseServiceRole');
      const needs = idOf(template, 'AWS::DynamoDB::GlobalTable', 'DataNeeds');
      const onNeeds = statements.filter((s) => JSON.stringify(s.Resource).includes(needs));
      expect(onNeeds.length).toBeGreaterThan(0);
      for (const statement of onNeeds) expect(statement.Condition?.['ForAllValues:StringLike']).toEqual({ 'dynamodb:LeadingKeys': ['NEED#*'] });
      expect(JSON.stringify(statements.filter((s) => actions([s]).includes('lambda:InvokeFunction')))).toContain('FunctionsSendSms');
      expect(actions(statements).filter((a) => a.startsWith('states:') || a.startsWith('sns:') || a.startsWith('secretsmanager:'))).toEqual([]);
    }
  });
});
