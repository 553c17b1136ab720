// The local Step Functions runs inline Map states as AWS does (the roll-up workflow's fan-out): items
// from ItemsPath, ItemSelector with $$.Map.Item, at most MaxConcurrency iterations at once, results in
// item order, a failed iteration's task retried alone; and a task result over 256 KB fails the
// execution with States.DataLimitExceeded, which States.ALL neither retries nor catches.
import { describe, expect, it } from 'vitest';
import { LocalStepFunctions } from '../../local/step-functions';
import type { CfnTemplate } from '../../local/synth';

const fn = (name: string) => `arn:aws:lambda:cn-north-1:000000000000:function:${name}`;
const retry = [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2 }];
const definition = {
  StartAt: 'Plan',
  States: {
    Plan: { Type: 'Task', Resource: fn('Plan'), ResultPath: '$.plan', Retry: retry, Next: 'Batches' },
    Batches: {
      Type: 'Map',
      ItemsPath: '$.plan.batches',
      ItemSelector: { 'batch.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
      MaxConcurrency: 2,
      ResultPath: '$.written',
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Write', States: { Write: { Type: 'Task', Resource: fn('Worker'), Retry: retry, End: true } } },
      End: true,
    },
  },
};
const template: CfnTemplate = {
  Resources: {
    Plan: { Type: 'AWS::Lambda::Function', Properties: {} },
    Worker: { Type: 'AWS::Lambda::Function', Properties: {} },
    Machine: { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionString: JSON.stringify(definition) } },
  },
};

function localService(plan: (input: unknown) => unknown, worker: (input: { batch: string; index: number }) => Promise<unknown>) {
  return new LocalStepFunctions({
    template,
    region: 'cn-north-1',
    accountId: '000000000000',
    retryIntervalMs: 1,
    invokeLambda: async (logicalId, payload) => (logicalId === 'Plan' ? plan(payload) : worker(payload as { batch: string; index: number })),
  });
}

async function run(service: LocalStepFunctions) {
  const { executionArn } = (await service.handle('StartExecution', { stateMachineArn: service.stateMachineArn('Machine'), input: '{}' })) as { executionArn: string };
  const execution = service.executions().find((e) => e.executionArn === executionArn)!;
  await execution.finished;
  return service.executions().find((e) => e.executionArn === executionArn)!;
}

describe('local Step Functions: inline Map', () => {
  it('runs every item, at most MaxConcurrency at once, in item order, retrying a failed iteration alone', async () => {
    const batches = ['b0', 'b1', 'b2', 'b3', 'b4'];
    const calls: string[] = [];
    let running = 0;
    let most = 0;
    const failed = new Set<string>();
    const service = localService(
      () => ({ batches }),
      async ({ batch, index }) => {
        calls.push(batch);
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setImmediate(resolve));
        running -= 1;
        if (batch === 'b2' && !failed.has(batch)) {
          failed.add(batch);
          throw Object.assign(new Error('injected'), { name: 'TimeoutError' });
        }
        return { batch, index, files: 8 };
      },
    );
    const execution = await run(service);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!).written).toEqual(batches.map((batch, index) => ({ batch, index, files: 8 })));
    expect(most).toBe(2);
    expect(calls.filter((c) => c === 'b2')).toHaveLength(2);
    expect(calls.filter((c) => c !== 'b2').sort()).toEqual(['b0', 'b1', 'b3', 'b4']);
    // Plan, then each iteration's task (one retry): what AWS bills.
    expect(execution.lambdaInvocations).toBe(1 + batches.length + 1);
    await service.stop();
  });

  it('fails the execution with States.DataLimitExceeded when a task returns more than 256 KB, without retrying it', async () => {
    let plans = 0;
    const service = localService(
      () => {
        plans += 1;
        return { batches: [], padding: 'x'.repeat(262_144) };
      },
      () => Promise.resolve({}),
    );
    const execution = await run(service);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect(plans).toBe(1);
    await service.stop();
  });
});
