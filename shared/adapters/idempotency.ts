// Idempotency-Key support with Powertools for AWS Lambda: the first answer for a key is stored in the
// idempotency table and replayed for retries; the same key with a different request is refused.
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { dynamoDbClient } from './dynamodb';

export {
  IdempotencyAlreadyInProgressError,
  IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';

/** Idempotency keys: printable ASCII, 1–255 characters (a UUID is typical). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export interface KeyedRequest<T> {
  key: string;
  request: T;
}

/** Wraps a side effect so that it runs once per key; `request` is what a retry must repeat exactly. */
export function idempotentByKey<T, R>(
  tableName: string,
  fn: (input: KeyedRequest<T>) => Promise<R>,
  expiresAfterSeconds = 24 * 60 * 60,
): (input: KeyedRequest<T>) => Promise<R> {
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamoDbClient() });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'request',
    expiresAfterSeconds,
    throwOnNoIdempotencyKey: true,
  });
  return makeIdempotent(fn, { persistenceStore, config }) as (input: KeyedRequest<T>) => Promise<R>;
}
