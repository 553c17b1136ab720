// Idempotency-Key support with Powertools for AWS Lambda: the first answer for a key is stored in the
// idempotency table and replayed for retries; the same key with a different request is refused.
import { createHash } from 'node:crypto';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { dynamoDbClient } from './dynamodb';
import { NothingWrittenError } from './write-outcome';

export {
  IdempotencyAlreadyInProgressError,
  IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';

/** Idempotency keys: printable ASCII, 1–255 characters (a UUID is typical). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** How long the first answer for a key is kept and replayed. */
export const IDEMPOTENCY_RECORD_SECONDS = 24 * 60 * 60;

export interface KeyedRequest<T> {
  key: string;
  request: T;
}

/** Wraps a side effect so that it runs once per key; `request` is what a retry must repeat exactly. */
export interface IdempotentFunction<T, R, C = undefined> {
  /**
   * `signal`, when given, is passed on to the side effect, which does not start once it has aborted;
   * `context` too: what the work needs beside the request (read just before), neither hashed nor validated.
   */
  (input: KeyedRequest<T>, run?: { signal?: AbortSignal; context?: C }): Promise<R>;
  /** Lets Powertools bound an in-progress record by the invocation's remaining time. */
  registerLambdaContext(context: Context): void;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64url');

/**
 * What a store may keep to recognise a retry of a keyed request: hashes of the key and of the
 * validated request (JSON of the schema's output, whose member order the schema fixes).
 */
export function requestFingerprint(key: string, request: unknown): { keyHash: string; requestHash: string } {
  return { keyHash: sha256(key), requestHash: sha256(JSON.stringify(request)) };
}

export function idempotentByKey<T, R, C = undefined>(
  tableName: string,
  fn: (input: KeyedRequest<T>, signal?: AbortSignal, context?: C) => Promise<R>,
  expiresAfterSeconds = IDEMPOTENCY_RECORD_SECONDS,
): IdempotentFunction<T, R, C> {
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamoDbClient() });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'request',
    expiresAfterSeconds,
    throwOnNoIdempotencyKey: true,
  });
  // Extra arguments reach the function untouched (only the first is hashed and validated).
  const idempotent = makeIdempotent(
    async (input: KeyedRequest<T>, run: { signal?: AbortSignal; context?: C; started: boolean }) => {
      run.signal?.throwIfAborted();
      run.started = true;
      return fn(input, run.signal, run.context);
    },
    { persistenceStore, config },
  ) as (input: KeyedRequest<T>, run: { signal?: AbortSignal; context?: C; started: boolean }) => Promise<R>;
  const once = async (input: KeyedRequest<T>, options: { signal?: AbortSignal; context?: C } = {}) => {
    const run = { signal: options.signal, context: options.context, started: false };
    try {
      return await idempotent(input, run);
    } catch (error) {
      // Until the side effect starts, only the idempotency record is touched: the work was not done.
      if (!run.started && !isAnswer(error)) throw new NothingWrittenError('failed before the work started', { cause: error });
      throw error;
    }
  };
  return Object.assign(once, { registerLambdaContext: (context: Context) => config.registerLambdaContext(context) });
}

/** Powertools' answers to a retry (another body; the first still running), which callers turn into responses. */
function isAnswer(error: unknown): boolean {
  return error instanceof IdempotencyValidationError || error instanceof IdempotencyAlreadyInProgressError;
}
