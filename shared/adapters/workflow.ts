// The routing state machine, through the Step Functions API (AWS, or the local endpoint).
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidToken,
  SFNClient,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';

let client: SFNClient | undefined;
export function sfnClient(): SFNClient {
  client ??= new SFNClient({ maxAttempts: 3 });
  return client;
}

/**
 * Starts routing for a need; the need id names the execution (`<needId>-a<round>` for a round after
 * an amendment), so a repeat starts nothing.
 */
export async function startRouting(sfn: SFNClient, stateMachineArn: string, needId: string, name = needId): Promise<'started' | 'already_started'> {
  try {
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify({ needId }) }));
    return 'started';
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists) return 'already_started';
    throw error;
  }
}

/** Resumes the waiting task with its output; `expired` when the task is no longer waiting (deadline passed). */
export function resumeTask(sfn: SFNClient, taskToken: string, output: unknown): Promise<'resumed' | 'expired'> {
  return answerTask(() => sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })));
}

/** Fails the waiting task with a named error (the workflow's Catch takes it); `expired` as for {@link resumeTask}. */
export function failTask(sfn: SFNClient, taskToken: string, error: string, cause: string): Promise<'resumed' | 'expired'> {
  return answerTask(() => sfn.send(new SendTaskFailureCommand({ taskToken, error, cause })));
}

async function answerTask(send: () => Promise<unknown>): Promise<'resumed' | 'expired'> {
  try {
    await send();
    return 'resumed';
  } catch (error) {
    if (error instanceof TaskTimedOut || error instanceof InvalidToken) return 'expired';
    throw error;
  }
}

/** The ARN of the execution named `name` of a state machine (`…:stateMachine:<machine>` → `…:execution:<machine>:<name>`). */
export function executionArn(stateMachineArn: string, name: string): string {
  const match = /^(arn:[^:]+:states:[^:]*:[^:]*):stateMachine:([^:]+)$/.exec(stateMachineArn);
  if (!match) throw new Error(`not a state machine ARN: ${stateMachineArn}`);
  return `${match[1]}:execution:${match[2]}:${name}`;
}

/** Whether Step Functions knows an execution of this name (running, or closed within its retention). */
export async function executionKnown(sfn: SFNClient, stateMachineArn: string, name: string): Promise<boolean> {
  try {
    await sfn.send(new DescribeExecutionCommand({ executionArn: executionArn(stateMachineArn, name) }));
    return true;
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) return false;
    throw error;
  }
}
