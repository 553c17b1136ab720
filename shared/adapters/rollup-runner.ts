// Starts the roll-up workflow and waits for its end (scripts/rollup.ts, tests): StartExecution, then
// DescribeExecution polled until the execution is no longer running.
import { DescribeExecutionCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { PublishedPeriod, RollupInput } from '../domain/report-publication';

export interface RollupRun {
  executionArn: string;
  status: string;
  /** Publish's answer, when the execution succeeded. */
  results?: PublishedPeriod[];
  error?: string;
  cause?: string;
}

export async function runRollup(
  sfn: SFNClient,
  stateMachineArn: string,
  input: RollupInput,
  options: { pollMs?: number; timeoutMs?: number; name?: string } = {},
): Promise<RollupRun> {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), ...(options.name ? { name: options.name } : {}) }),
  );
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  for (;;) {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') {
      return {
        executionArn: executionArn!,
        status: execution.status ?? 'UNKNOWN',
        ...(execution.output ? { results: (JSON.parse(execution.output) as { results: PublishedPeriod[] }).results } : {}),
        ...(execution.error ? { error: execution.error } : {}),
        ...(execution.cause ? { cause: execution.cause } : {}),
      };
    }
    if (Date.now() > deadline) throw new Error(`${executionArn} still running after ${options.timeoutMs ?? 30 * 60_000} ms`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
}
