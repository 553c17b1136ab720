// Whether DynamoDB refused a write because a condition did not hold (a conditional write, or a
// transaction one of whose conditions failed), as opposed to any other failure (throttling, a
// transaction conflict, the network), which the caller must not take for "the state moved on".
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';

export function isConditionFailure(error: unknown): boolean {
  return (
    (error instanceof TransactionCanceledException &&
      (error.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed')) ||
    (error instanceof Error && error.name === 'ConditionalCheckFailedException')
  );
}
