// What a failed request changed: the honest answer to a client after an error. A write that
// DynamoDB refused as a whole changed nothing; a write that timed out, lost its connection, met a
// server error, or was still under way when the function had to answer may have been applied. The
// adapters that write wrap their failures in one of two errors, and the error safety net
// (observability.ts) says "nothing was saved" only for the first.
import type { Context } from 'aws-lambda';

/** The failure came before anything was written, or the store refused the write as a whole. */
export class NothingWrittenError extends Error {
  override readonly name = 'NothingWrittenError';
}

/** The write may have been applied: the request got no definite answer. */
export class OutcomeUnknownError extends Error {
  override readonly name = 'OutcomeUnknownError';
}

export type WriteOutcome = 'nothing_written' | 'unknown';

/** The error and its causes, outermost first (bounded: a cause chain can be cyclic). */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && chain.length < 8 && !chain.includes(current); ) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

/** What the error says about the write, from the outermost marker on its cause chain. */
export function writeOutcomeOf(error: unknown): WriteOutcome | undefined {
  for (const link of causeChain(error)) {
    if (link instanceof OutcomeUnknownError) return 'unknown';
    if (link instanceof NothingWrittenError) return 'nothing_written';
  }
  return undefined;
}

/**
 * Whether an AWS SDK error from a write means the write did not happen. A cancelled transaction
 * (a condition failed, a conflict) did not happen, even after retries: the SDK sends every attempt
 * with one ClientRequestToken, so a retry of a transaction that an earlier attempt did commit
 * answers success. Another refusal (4xx: throttling, validation) is definite only on the first
 * attempt, since an earlier attempt may have timed out after DynamoDB applied it.
 */
function refusedAsAWhole(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $metadata } = error as { name?: unknown; $metadata?: { httpStatusCode?: number; attempts?: number } };
  if (name === 'TransactionCanceledException') return true;
  if (name === 'TransactionInProgressException') return false;
  const status = $metadata?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500 && ($metadata?.attempts ?? 1) <= 1;
}

/** An SDK error from a write, wrapped in what it says about the write. */
export function writeFailure(error: unknown, what: string): NothingWrittenError | OutcomeUnknownError {
  return refusedAsAWhole(error)
    ? new NothingWrittenError(`${what}: refused, nothing written`, { cause: error })
    : new OutcomeUnknownError(`${what}: no definite answer, it may have been written`, { cause: error });
}

/** How long before the function's deadline a handler stops waiting and answers. */
export const DEADLINE_MARGIN_MS = 1_000;

/**
 * Runs `work` so that the handler answers before the platform ends the invocation: `marginMs` before
 * the deadline the signal given to `work` aborts (a write not yet sent is not sent, one under way is
 * abandoned) and the call rejects with OutcomeUnknownError.
 */
export async function beforeDeadline<T>(
  context: Pick<Context, 'getRemainingTimeInMillis'>,
  work: (signal: AbortSignal) => Promise<T>,
  marginMs = DEADLINE_MARGIN_MS,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => {
        const error = new OutcomeUnknownError('the function reached its deadline before the work ended');
        controller.abort(error);
        reject(error);
      },
      Math.max(0, context.getRemainingTimeInMillis() - marginMs),
    );
  });
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
