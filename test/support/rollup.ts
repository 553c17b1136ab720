// Runs the roll-up as the schedule and `npm run rollup` do: an execution of the roll-up workflow on
// the local Step Functions, waited for (DescribeExecution polled), failing the test unless it succeeded.
import { SFNClient } from '@aws-sdk/client-sfn';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb-local';
import type { PublishedPeriod, RollupInput } from '../../shared/domain/report-publication';
import { runRollup } from '../../shared/adapters/rollup-runner';

export interface RollupTarget {
  awsEndpoint: string;
  rollupStateMachineArn: string;
}

export async function rollUp(target: RollupTarget, input: RollupInput | string[]): Promise<PublishedPeriod[]> {
  const sfn = new SFNClient({ endpoint: target.awsEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    const run = await runRollup(sfn, target.rollupStateMachineArn, Array.isArray(input) ? { periods: input } : input, { pollMs: 50, timeoutMs: 120_000 });
    if (run.status !== 'SUCCEEDED') throw new Error(`roll-up ${run.executionArn} ${run.status}: ${run.error ?? ''} ${run.cause ?? ''}`);
    return run.results ?? [];
  } finally {
    sfn.destroy();
  }
}
