// Data lifecycle in the template: the daily erasure of personal data (schedule with its dead-letter
// queue, the stage's retention setting) and the sparse index it reads, which holds no personal data.
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SmefinStack, STAGES } from '../../lib/smefin-stack';
import { chinaStage } from './stages';
import { PERSONAL_DATA_INDEX } from '../../shared/adapters/personal-data-index';

let template: Template;
beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  template = Template.fromStack(new SmefinStack(app, 'smefin-dl', chinaStage(), { env: { account: '123456789012', region: 'cn-northwest-1' } }));
}, 120_000);

describe('erasure of personal data', () => {
  it('runs daily at 02:00 China Standard Time (18:00 UTC), with a dead-letter queue for the rule and the function', () => {
    const rules = template.findResources('AWS::Events::Rule', { Properties: { ScheduleExpression: 'cron(0 18 * * ? *)' } });
    const [rule] = Object.values(rules);
    expect(rule?.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [expect.stringMatching(/^FunctionsErasePersonalData/), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^DailyErasureDeadLetters/), 'Arn'] } },
      }),
    ]);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Match.stringLikeRegexp('^FunctionsErasePersonalData') },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DailyErasureDeadLetters'), 'Arn'] } } },
    });
  });

  it('gets the stage’s retention setting, and only it does', () => {
    const withSetting = Object.entries(template.findResources('AWS::Lambda::Function')).filter(
      ([, fn]) => fn.Properties.Environment?.Variables?.PERSONAL_DATA_RETENTION_DAYS !== undefined,
    );
    expect(withSetting.map(([id]) => id)).toEqual([expect.stringMatching(/^FunctionsErasePersonalData/)]);
    expect(withSetting[0]![1].Properties.Environment.Variables.PERSONAL_DATA_RETENTION_DAYS).toBe(String(STAGES.prod!.personalDataRetentionDays));
    expect(withSetting[0]![1].Properties.Timeout).toBe(900);
  });

  it('reads a sparse index of the needs table that projects keys and status only', () => {
    const needs = Object.entries(template.findResources('AWS::DynamoDB::GlobalTable')).find(([id]) => id.startsWith('DataNeeds'))![1];
    const index = (needs.Properties.GlobalSecondaryIndexes as { IndexName: string }[]).find((i) => i.IndexName === PERSONAL_DATA_INDEX);
    expect(index).toEqual({
      IndexName: PERSONAL_DATA_INDEX,
      KeySchema: [
        { AttributeName: 'pdShard', KeyType: 'HASH' },
        { AttributeName: 'updatedAt', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['status'] },
    });
  });
});
