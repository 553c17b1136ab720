// Idempotency-Key support with Powertools for AWS Lambda: the first answer for a key is stored in the
// idempotency table and replayed for retries; the same key with a different request is refused.
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
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
export interface IdempotentFunction<T, R> {
  (input: KeyedRequest<T>): Promise<R>;
  /** Lets Powertools bound an in-progress record by the invocation's remaining time. */
  registerLambdaContext(context: Context): void;
}

export function idempotentByKey<T, R>(
  tableName: string,
  fn: (input: KeyedRequest<T>) => Promise<R>,
  expiresAfterSeconds = 24 * 60 * 60,
): IdempotentFunction<T, R> {
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamoDbClient() });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'request',
    expiresAfterSeconds,
    throwOnNoIdempotencyKey: true,
  });
  const idempotent = makeIdempotent(fn, { persistenceStore, config }) as (input: KeyedRequest<T>) => Promise<R>;
  return Object.assign(idempotent, { registerLambdaContext: (context: Context) => config.registerLambdaContext(context) });
}
