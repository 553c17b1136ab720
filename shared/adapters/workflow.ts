// The routing state machine, through the Step Functions API (AWS, or the local endpoint).
import { ExecutionAlreadyExists, SFNClient, SendTaskSuccessCommand, StartExecutionCommand, TaskTimedOut, InvalidToken } from '@aws-sdk/client-sfn';

let client: SFNClient | undefined;
export function sfnClient(): SFNClient {
  client ??= new SFNClient({ maxAttempts: 3 });
  return client;
}

/** Starts routing for a need; the need id names the execution, so a repeat starts nothing. */
export async function startRouting(sfn: SFNClient, stateMachineArn: string, needId: string): Promise<'started' | 'already_started'> {
  try {
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name: needId, input: JSON.stringify({ needId }) }));
    return 'started';
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists) return 'already_started';
    throw error;
  }
}

/** Resumes the waiting task; `expired` when the task is no longer waiting (deadline passed). */
export async function resumeTask(sfn: SFNClient, taskToken: string, output: unknown): Promise<'resumed' | 'expired'> {
  try {
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    return 'resumed';
  } catch (error) {
    if (error instanceof TaskTimedOut || error instanceof InvalidToken) return 'expired';
    throw error;
  }
}
