// The roll-up workflow (Step Functions, Standard), scheduled at 01:00 CST and started on demand:
//   Plan (rollup-plan) ─▶ Map over the staged batches (inline, at most MAP_CONCURRENCY at once; each
//   iteration one rollup-worker invocation with its own retries, so a failed worker is retried alone)
//   ─▶ Publish (rollup-publish: each period's manifest, written last).
// Only small references travel between the states (Step Functions passes at most 256 KB): the
// reports themselves are staged in the reports bucket (shared/domain/report-publication.ts).
// AWS China regions: Standard workflows, the inline Map state, Lambda tasks, X-Ray tracing of the
// state machine and CloudWatch Logs are offered in cn-north-1 and cn-northwest-1 (docs/deploy-china.md).
// The Distributed Map is not used: an inline Map of a few hundred batches is enough for the country.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  DefinitionBody,
  Errors,
  JitterType,
  JsonPath,
  LogLevel,
  Map as MapState,
  StateMachine,
  StateMachineType,
  TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledgeRollupWorkflowFindings } from './nag';
import type { FunctionName } from './routes';

/** Workers running at once (Map MaxConcurrency): bench/national-rollup.bench.ts projects with it. */
export const MAP_CONCURRENCY = 10;
/** Retries of each step (its own: a worker's retries repeat that batch only). */
export const STEP_RETRY = { interval: Duration.seconds(2), maxAttempts: 3, backoffRate: 2 } as const;
/** The whole run's ceiling: a scheduled run is projected in minutes (bench/national-rollup-last-run.md). */
export const ROLLUP_TIMEOUT = Duration.hours(1);

export interface RollupWorkflowProps {
  functions: Record<FunctionName, NodejsFunction>;
}

export class RollupWorkflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: RollupWorkflowProps) {
    super(scope, id);
    /**
     * A Lambda step, retried alone; without `payload` the function gets the state's input as it is,
     * without `resultPath` its answer replaces the state's input.
     */
    const step = (name: string, fn: NodejsFunction, payload: TaskInput | undefined, resultPath?: string) => {
      const task = new LambdaInvoke(this, name, {
        lambdaFunction: fn,
        payloadResponseOnly: true,
        ...(payload ? { payload } : {}),
        ...(resultPath ? { resultPath } : {}),
        retryOnServiceExceptions: false,
      });
      task.addRetry({ errors: [Errors.ALL], ...STEP_RETRY, jitterStrategy: JitterType.FULL });
      return task;
    };

    const plan = step(
      'Plan',
      props.functions['rollup-plan'],
      // The execution's input as it is: `{ periods: [...] }` on demand, the schedule's `{ source, time }`.
      undefined,
      '$.plan',
    );
    const batches = new MapState(this, 'Batches', {
      itemsPath: JsonPath.stringAt('$.plan.batches'),
      maxConcurrency: MAP_CONCURRENCY,
      resultPath: '$.written',
    });
    batches.itemProcessor(step('WriteBatch', props.functions['rollup-worker'], undefined));
    const publish = step(
      'Publish',
      props.functions['rollup-publish'],
      TaskInput.fromObject({ periods: JsonPath.objectAt('$.plan.periods'), written: JsonPath.objectAt('$.written') }),
    );

    const logs = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(plan.next(batches).next(publish)),
      timeout: ROLLUP_TIMEOUT,
      tracingEnabled: true,
      // Execution data are counters and aggregates, never personal data.
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: true },
    });
    acknowledgeRollupWorkflowFindings(this, [props.functions['rollup-plan'], props.functions['rollup-worker'], props.functions['rollup-publish']]);
  }
}
