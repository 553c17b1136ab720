// The local runtime reads the schedules from the real synthesized stack.
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { SmefinStack, STAGES } from '../../lib/smefin-stack';
import { schedulesFromTemplate } from '../../local/schedules';
import type { CfnTemplate } from '../../local/synth';

describe('schedulesFromTemplate', () => {
  it('finds the roll-up rule and its function in the synthesized stack', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new SmefinStack(app, 'smefin-sched', STAGES.dev!);
    const template = app.synth().getStackByName('smefin-sched').template as CfnTemplate;
    const schedules = schedulesFromTemplate(template);
    expect(schedules).toHaveLength(1);
    expect(schedules[0]).toMatchObject({ expression: 'cron(0 17 * * ? *)', input: { source: 'schedule' } });
    expect(schedules[0]!.functionLogicalId).toBe(stack.getLogicalId(stack.functions.byName['rollup-coverage'].node.defaultChild as never));
  });
});
