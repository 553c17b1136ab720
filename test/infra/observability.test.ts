// Nothing dropped silently, in the template: every dead-letter queue encrypted, TLS-only and
// alarmed; the pipe and every scheduled invocation with one; every alarm on its metric, notifying
// the operators' topic, with a runbook line in docs/operations.md.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/lambda-defaults';
import { ALARMS, DEAD_LETTER_ANCHOR, RUNBOOK } from '../../lib/observability';
import { SmefinStack, type StageConfig } from '../../lib/smefin-stack';
import { chinaStage } from './stages';
import { NEEDS_BY_ROUTING_INDEX } from '../../shared/adapters/routing-phase';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] }>;

function synth(config: StageConfig = chinaStage(), region = 'cn-northwest-1') {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new SmefinStack(app, 'smefin-obs', config, { env: { account: '123456789012', region } });
  const template = Template.fromStack(stack);
  return { stack, template, resources: template.toJSON().Resources as Resources };
}
// Synthesized on first use inside a test (the suite's test timeout, not the 10 s hook timeout).
let cached: ReturnType<typeof synth> | undefined;
const prod = () => (cached ??= synth());

const ofType = (resources: Resources, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const getAtt = (id: string, attribute: string) => ({ 'Fn::GetAtt': [id, attribute] });

describe('dead-letter queues', () => {
  it('are SSE-encrypted, kept 14 days, TLS only, and each has an alarm on a visible message that notifies the operators', () => {
    const { resources } = prod();
    const queues = ofType(resources, 'AWS::SQS::Queue');
    expect(queues.length).toBeGreaterThanOrEqual(3);
    const topic = ofType(resources, 'AWS::SNS::Topic')[0]![0];
    for (const [id, queue] of queues) {
      expect(queue.Properties.SqsManagedSseEnabled === true || queue.Properties.KmsMasterKeyId !== undefined).toBe(true);
      expect(queue.Properties.MessageRetentionPeriod).toBe(14 * 86_400);
      const policies = ofType(resources, 'AWS::SQS::QueuePolicy').filter(([, p]) => JSON.stringify(p.Properties.Queues).includes(id));
      expect(JSON.stringify(policies)).toContain('"aws:SecureTransport":"false"');
      const alarms = ofType(resources, 'AWS::CloudWatch::Alarm').filter(
        ([, a]) =>
          a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(a.Properties.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: getAtt(id, 'QueueName') }]),
      );
      expect(alarms, `alarm for ${id}`).toHaveLength(1);
      expect(alarms[0]![1].Properties).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Statistic: 'Maximum',
        AlarmActions: [{ Ref: topic }],
      });
    }
  });

  it('catch the pipe that starts routing: bisected batches, bounded retries and age, then its queue; the pipe role may only send there', () => {
    const { resources } = prod();
    const [pipeId, pipe] = ofType(resources, 'AWS::Pipes::Pipe')[0]!;
    const stream = (pipe.Properties.SourceParameters as { DynamoDBStreamParameters: Record<string, unknown> }).DynamoDBStreamParameters;
    expect(stream).toMatchObject({ MaximumRetryAttempts: 10, MaximumRecordAgeInSeconds: 3600, OnPartialBatchItemFailure: 'AUTOMATIC_BISECT' });
    const queueId = (stream.DeadLetterConfig as { Arn: { 'Fn::GetAtt': string[] } }).Arn['Fn::GetAtt'][0]!;
    expect(resources[queueId]?.Type).toBe('AWS::SQS::Queue');
    // Created only once the role's policy (stream, target, queue) exists: Pipes checks them.
    const roleId = (pipe.Properties.RoleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
    expect(pipe.DependsOn).toEqual(expect.arrayContaining([roleId]));
    const statements = ofType(resources, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement);
    const sends = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('sqs:')));
    expect(sends).toHaveLength(1);
    expect(sends[0]!.Resource).toEqual(getAtt(queueId, 'Arn'));
    expect(pipeId).toMatch(/StartRoutingPipe/);
  });

  it('catch every scheduled invocation: the rule target (delivery) and a function target (on failure) both go to the same queue', () => {
    const { resources } = prod();
    const rules = ofType(resources, 'AWS::Events::Rule').filter(([, r]) => r.Properties.ScheduleExpression);
    expect(rules.length).toBeGreaterThanOrEqual(2);
    for (const [ruleId, rule] of rules) {
      for (const target of rule.Properties.Targets as { Arn: { 'Fn::GetAtt'?: string[]; Ref?: string }; DeadLetterConfig?: { Arn: unknown }; RetryPolicy?: unknown }[]) {
        expect(target.DeadLetterConfig, `${ruleId} target DLQ`).toBeDefined();
        expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21_600 });
        const queueId = (target.DeadLetterConfig!.Arn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
        // EventBridge may send to the queue from this rule only.
        const policy = ofType(resources, 'AWS::SQS::QueuePolicy').find(([, p]) => JSON.stringify(p.Properties.Queues).includes(queueId))!;
        expect(JSON.stringify(policy[1].Properties.PolicyDocument)).toContain(JSON.stringify({ ArnEquals: { 'aws:SourceArn': getAtt(ruleId, 'Arn') } }));
        // A state machine (the roll-up workflow) has no asynchronous invocation: a failed execution is alarmed instead.
        if (target.Arn.Ref) {
          expect(resources[target.Arn.Ref]!.Type).toBe('AWS::StepFunctions::StateMachine');
          continue;
        }
        const functionId = target.Arn['Fn::GetAtt']![0]!;
        const config = ofType(resources, 'AWS::Lambda::EventInvokeConfig').find(([, c]) => JSON.stringify(c.Properties.FunctionName) === JSON.stringify({ Ref: functionId }));
        expect(config, `${functionId} asynchronous settings`).toBeDefined();
        expect(config![1].Properties).toMatchObject({ MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: getAtt(queueId, 'Arn') } } });
      }
    }
  });
});

describe('alarms', () => {
  const metricOf = (alarm: { Properties: Record<string, unknown> }) => alarm.Properties;

  it('all exist, named by the stack, notify the operators’ topic (alarm and OK), and point at their runbook line', () => {
    const { resources } = prod();
    const topic = ofType(resources, 'AWS::SNS::Topic')[0]![0];
    const alarms = ofType(resources, 'AWS::CloudWatch::Alarm');
    const names = alarms.map(([, a]) => a.Properties.AlarmName);
    for (const id of Object.keys(ALARMS)) expect(names).toContain(`smefin-obs-${id}`);
    const runbook = readFileSync(path.join(PROJECT_ROOT, RUNBOOK), 'utf8');
    for (const [id, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: topic }]);
      expect(alarm.Properties.OKActions, id).toEqual([{ Ref: topic }]);
      const anchor = /Runbook: docs\/operations\.md#([\w-]+)$/.exec(String(alarm.Properties.AlarmDescription))?.[1];
      expect(anchor, `${id} names its runbook line`).toBeDefined();
      expect(runbook, `docs/operations.md has the line for ${id}`).toContain(`<a id="${anchor}"></a>`);
    }
    expect(runbook).toContain(`<a id="${DEAD_LETTER_ANCHOR}"></a>`);
  });

  const alarmNamed = (id: string) => {
    const found = ofType(prod().resources, 'AWS::CloudWatch::Alarm').find(([, a]) => a.Properties.AlarmName === `smefin-obs-${id}`);
    if (!found) throw new Error(`no alarm ${id}`);
    return found[1];
  };
  const service = [{ Name: 'service', Value: 'smefin' }];

  it('watches the API 5xx rate as a share of requests (API Gateway 5XXError / Count)', () => {
    const alarm = alarmNamed('Api5xxRate');
    expect(alarm.Properties.Threshold).toBe(5);
    const metrics = alarm.Properties.Metrics as { Expression?: string; MetricStat?: { Metric: { MetricName: string; Namespace: string } } }[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe('IF(requests >= 20, 100 * errors / requests, 0)');
    expect(metrics.flatMap((m) => (m.MetricStat ? [`${m.MetricStat.Metric.Namespace}/${m.MetricStat.Metric.MetricName}`] : [])).sort()).toEqual([
      'AWS/ApiGateway/5XXError',
      'AWS/ApiGateway/Count',
    ]);
  });

  it('watches failed, timed-out and aborted routing executions', () => {
    const { resources } = prod();
    const machine = ofType(resources, 'AWS::StepFunctions::StateMachine').find(([id]) => id.startsWith('Referral'))![0];
    for (const [id, metric] of [
      ['RoutingExecutionsFailed', 'ExecutionsFailed'],
      ['RoutingExecutionsTimedOut', 'ExecutionsTimedOut'],
      ['RoutingExecutionsAborted', 'ExecutionsAborted'],
    ] as const) {
      expect(metricOf(alarmNamed(id))).toMatchObject({
        Namespace: 'AWS/States',
        MetricName: metric,
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: machine } }],
        Statistic: 'Sum',
        Threshold: 1,
      });
    }
  });

  it('watches the functions’ business metrics in the Powertools namespace with the service dimension', () => {
    expect(metricOf(alarmNamed('OfferDeliveryFailures'))).toMatchObject({ Namespace: 'smefin', MetricName: 'OfferDeliveryFailures', Dimensions: service, Statistic: 'Sum', Threshold: 1 });
    expect(metricOf(alarmNamed('LateBankAnswers'))).toMatchObject({ Namespace: 'smefin', MetricName: 'LateBankAnswers', Dimensions: service, Statistic: 'Sum' });
    expect(metricOf(alarmNamed('NeedsStartedBySweeper'))).toMatchObject({ Namespace: 'smefin', MetricName: 'NeedsStartedBySweeper', Dimensions: service });
  });

  it('watches the roll-up workflow: failed, timed-out and aborted executions', () => {
    const { stack } = prod();
    const rollup = stack.getLogicalId(stack.rollup.stateMachine.node.defaultChild as never);
    const alarm = alarmNamed('RollupErrors');
    expect(alarm.Properties.Threshold).toBe(1);
    const metrics = alarm.Properties.Metrics as { Expression?: string; MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions: unknown } } }[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe('failed + timedOut + aborted');
    const watched = metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []));
    expect(watched.map((m) => `${m.Namespace}/${m.MetricName}`).sort()).toEqual(['AWS/States/ExecutionsAborted', 'AWS/States/ExecutionsFailed', 'AWS/States/ExecutionsTimedOut']);
    for (const metric of watched) expect(metric.Dimensions).toEqual([{ Name: 'StateMachineArn', Value: { Ref: rollup } }]);
  });

  it('alarms when the calendar’s coverage falls under 60 days over a day, and when the daily value stops coming', () => {
    expect(metricOf(alarmNamed('CalendarCoverage'))).toMatchObject({
      Namespace: 'smefin',
      MetricName: 'CalendarCoverageDaysLeft',
      Dimensions: service,
      Statistic: 'Minimum',
      Period: 86_400,
      Threshold: 60,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });
});

describe('the operators’ topic', () => {
  it('is KMS-encrypted with a rotated key CloudWatch may use, and refuses plain HTTP', () => {
    const { template, resources } = prod();
    const [topicId, topic] = ofType(resources, 'AWS::SNS::Topic')[0]!;
    const keyId = (topic.Properties.KmsMasterKeyId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
    expect(resources[keyId]).toMatchObject({ Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } });
    expect(JSON.stringify(resources[keyId]!.Properties.KeyPolicy)).toContain('"Service":"cloudwatch.amazonaws.com"');
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('subscribes the stage’s e-mail address or HTTPS endpoint, and refuses anything else (no SMS in the China regions)', () => {
    const email = synth({ ...chinaStage(), operatorsEndpoint: 'ops@example.cn' }).template;
    email.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.cn' });
    const https = synth({ ...chinaStage(), operatorsEndpoint: 'https://oncall.example.cn/hooks/smefin' }, 'eu-west-1').template;
    https.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'https', Endpoint: 'https://oncall.example.cn/hooks/smefin' });
    expect(() => synth({ ...chinaStage(), operatorsEndpoint: '+8613800138000' })).toThrow(/e-mail address or an https/);
  });
});

describe('the routing sweeper', () => {
  it('runs every 10 minutes with the state machine, its delay and the needs-by-status index', () => {
    const { stack, template, resources } = prod();
    const sweeper = stack.getLogicalId(stack.functions.byName['routing-sweeper'].node.defaultChild as never);
    const variables = (resources[sweeper]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.ROUTING_SWEEP_AFTER_MINUTES).toBe('15');
    expect(variables.ROUTING_STATE_MACHINE_ARN).toEqual({ Ref: ofType(resources, 'AWS::StepFunctions::StateMachine')[0]![0] });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0,10,20,30,40,50 * * * ? *)',
      Targets: [Match.objectLike({ Arn: getAtt(sweeper, 'Arn'), Input: '{"source":"schedule"}' })],
    });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      GlobalSecondaryIndexes: Match.arrayWith([
        {
          IndexName: NEEDS_BY_ROUTING_INDEX,
          KeySchema: [
            { AttributeName: 'itemType', KeyType: 'HASH' },
            { AttributeName: 'routingPhase', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ]),
    });
  });

  it('may start executions of the routing state machine and describe them, nothing more of Step Functions', () => {
    const { stack, resources } = prod();
    const role = stack.getLogicalId(stack.functions.byName['routing-sweeper'].role!.node.defaultChild as never);
    const actions = ofType(resources, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(role))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement.flatMap((s) => [s.Action].flat()))
      .filter((action) => action.startsWith('states:'));
    expect(actions.sort()).toEqual(['states:DescribeExecution', 'states:StartExecution']);
  });

  it('may read the needs table only through the byRouting index, and only its need keys', () => {
    const { stack, resources } = prod();
    const role = stack.getLogicalId(stack.functions.byName['routing-sweeper'].role!.node.defaultChild as never);
    const needs = Object.keys(resources).find((id) => id.startsWith('DataNeeds'))!;
    const statements = ofType(resources, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(role))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown; Condition?: unknown }[] }).Statement)
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    expect(statements).toHaveLength(1);
    expect([statements[0]!.Action].flat()).not.toContain('dynamodb:Scan');
    expect(statements[0]!.Resource).toEqual([getAtt(needs, 'Arn'), { 'Fn::Join': ['', [getAtt(needs, 'Arn'), `/index/${NEEDS_BY_ROUTING_INDEX}`]] }]);
    expect(statements[0]!.Condition).toMatchObject({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['need'] } });
  });
});
