// The local runtime reads the schedules from the real synthesized stack.
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { SmefinStack, STAGES } from '../../lib/smefin-stack';
import { scheduledEvent, schedulesFromTemplate } from '../../local/schedules';
import type { CfnTemplate } from '../../local/synth';

describe('schedulesFromTemplate', () => {
  it('finds the roll-up rule with its state machine and the routing-sweep rule with its function in the synthesized stack', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new SmefinStack(app, 'smefin-sched', STAGES.dev!);
    const template = app.synth().getStackByName('smefin-sched').template as CfnTemplate;
    const schedules = schedulesFromTemplate(template);
    const byTarget = new Map(schedules.map((s) => [s.target.logicalId, s]));
    const event = scheduledEvent(new Date('2026-11-30T17:00:00Z'), 'cn-north-1', '123456789012', 'arn:aws-cn:events:cn-north-1:123456789012:rule/x');
    const rollup = byTarget.get(stack.getLogicalId(stack.rollup.stateMachine.node.defaultChild as never))!;
    expect(rollup).toMatchObject({ expression: 'cron(0 17 * * ? *)', target: { kind: 'stateMachine' }, retryAttempts: 2 });
    expect(rollup.deadLetterQueue).toMatch(/^DailyRollupDeadLetters/);
    // The scheduled time goes with the event: a re-run of the event rolls up the same day.
    expect(rollup.input(event)).toEqual({ source: 'schedule', time: '2026-11-30T17:00:00Z' });
    const sweeper = byTarget.get(stack.getLogicalId(stack.functions.byName['routing-sweeper'].node.defaultChild as never))!;
    expect(sweeper).toMatchObject({ expression: 'cron(0,10,20,30,40,50 * * * ? *)', target: { kind: 'function' } });
    expect(sweeper.input(event)).toEqual({ source: 'schedule' });
  });
});
