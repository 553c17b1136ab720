// The local runtime reads the schedules from the real synthesized stack.
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { SmefinStack, STAGES } from '../../lib/smefin-stack';
import { schedulesFromTemplate } from '../../local/schedules';
import type { CfnTemplate } from '../../local/synth';

describe('schedulesFromTemplate', () => {
  it('finds the roll-up and routing-sweep rules and their functions in the synthesized stack', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new SmefinStack(app, 'smefin-sched', STAGES.dev!);
    const template = app.synth().getStackByName('smefin-sched').template as CfnTemplate;
    const schedules = schedulesFromTemplate(template);
    const logicalId = (name: 'rollup-coverage' | 'routing-sweeper') => stack.getLogicalId(stack.functions.byName[name].node.defaultChild as never);
    const byFunction = new Map(schedules.map((s) => [s.functionLogicalId, s]));
    expect(byFunction.get(logicalId('rollup-coverage'))).toMatchObject({ expression: 'cron(0 17 * * ? *)', input: { source: 'schedule' } });
    expect(byFunction.get(logicalId('routing-sweeper'))).toMatchObject({ expression: 'cron(0,10,20,30,40,50 * * * ? *)', input: { source: 'schedule' } });
  });
});
