// Idempotency keys for the form: one key per submission, sent again on every retry of the very
// same body (a lost response must not create a second need), and a fresh key once the body changes
// (the server rejects a reused key with a different body).
//
// A submission whose outcome is unknown (no answer, a 5xx, "the first request is still running")
// is retried with the same key until the answer is definite: the server then replays the first
// answer, or finds the need the first attempt stored, so the owner never meets "a need is already
// open" for their own need. Until it is definite, that submission is sent first, whatever the
// person changed in the form since.
import type { ApiOutcome } from './api';

export function randomKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // Older browsers, or a page not served from a secure context: a version 4 UUID by hand.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * What an answer says about a submission: `saved` (the receipt), `refused` (a definite no: fix the
 * form, or the enterprise has an open need), `not_saved` (nothing was saved, try again later), or
 * `unknown` (it may have been saved: send the same request again).
 */
export type Settlement = 'saved' | 'refused' | 'not_saved' | 'unknown';

export function settlementOf(outcome: ApiOutcome<unknown>): Settlement {
  if (outcome.kind === 'ok') return 'saved';
  if (outcome.kind === 'network') return 'unknown';
  const { status } = outcome;
  const type = outcome.problem?.type;
  if (status === 409 && type === '/problems/idempotency-in-progress') return 'unknown';
  if ((status === 503 && type === '/problems/unavailable') || status === 429) return 'not_saved';
  // A success that could not be read, or any server-side failure without a definite answer.
  if (status < 300 || status >= 500) return 'unknown';
  return 'refused';
}

export interface Submission {
  body: string;
  key: string;
}

export class IdempotencyKeys {
  private last: Submission | undefined;
  /** Sent, and not known whether it was saved. */
  private unresolved: Submission | undefined;

  constructor(private readonly newKey: () => string = randomKey) {}

  /** The key for a request body: the previous key when the body is unchanged, else a new one. */
  keyFor(body: string): string {
    if (this.last?.body !== body) this.last = { body, key: this.newKey() };
    return this.last.key;
  }

  /** What to send when the person submits `body`: an earlier submission of unknown outcome first. */
  next(body: string): Submission & { earlier: boolean } {
    if (this.unresolved) return { ...this.unresolved, earlier: this.unresolved.body !== body };
    return { body, key: this.keyFor(body), earlier: false };
  }

  /** How a sent submission ended. */
  settle(sent: Submission, settlement: Settlement): void {
    if (settlement === 'saved') this.reset();
    else if (settlement === 'unknown') this.unresolved = { body: sent.body, key: sent.key };
    else if (this.unresolved?.key === sent.key) this.unresolved = undefined;
  }

  /** Forget the keys (after the submission succeeded). */
  reset(): void {
    this.last = undefined;
    this.unresolved = undefined;
  }
}

export interface RetryPlan {
  /** Sends in all, the first included. */
  attempts: number;
  /** The first wait, doubled after each retry unless the server says when (Retry-After). */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const RETRY_PLAN: RetryPlan = { attempts: 4, baseDelayMs: 1_000, maxDelayMs: 10_000 };

/** How long to wait after the `attempt`-th send: the server's Retry-After, else exponential backoff. */
export function retryDelayMs(outcome: ApiOutcome<unknown>, attempt: number, plan: RetryPlan = RETRY_PLAN): number {
  const hinted = outcome.kind === 'problem' ? outcome.retryAfterSeconds : undefined;
  const delay = hinted === undefined ? plan.baseDelayMs * 2 ** (attempt - 1) : Math.max(hinted * 1_000, plan.baseDelayMs);
  return Math.min(delay, plan.maxDelayMs);
}

export interface SendOptions {
  wait: (ms: number) => Promise<void>;
  plan?: RetryPlan;
  /** Called before each retry (the page says it is confirming the submission). */
  onRetry?: () => void;
}

export type SendResult<T> = { outcome: ApiOutcome<T>; settlement: Settlement };

/** Sends one submission, again with the same key while the answer is not definite, a few times. */
async function sendUntilSettled<T>(
  submission: Submission,
  send: (body: string, key: string) => Promise<ApiOutcome<T>>,
  options: SendOptions,
): Promise<SendResult<T>> {
  const plan = options.plan ?? RETRY_PLAN;
  for (let attempt = 1; ; attempt++) {
    const outcome = await send(submission.body, submission.key);
    const settlement = settlementOf(outcome);
    if (settlement === 'saved' || settlement === 'refused' || attempt >= plan.attempts) return { outcome, settlement };
    options.onRetry?.();
    await options.wait(retryDelayMs(outcome, attempt, plan));
  }
}

/**
 * Submits `body`. An earlier submission whose outcome is still unknown is settled first: when it
 * turns out saved, its receipt is the answer (`earlier: true`) and `body` is not sent; when it was
 * not saved, `body` follows with a key of its own.
 */
export async function submitWithRetries<T>(
  keys: IdempotencyKeys,
  body: string,
  send: (body: string, key: string) => Promise<ApiOutcome<T>>,
  options: SendOptions,
): Promise<SendResult<T> & { earlier: boolean }> {
  for (;;) {
    const submission = keys.next(body);
    const result = await sendUntilSettled(submission, send, options);
    keys.settle(submission, result.settlement);
    const settledEarlierAsNotSaved = submission.earlier && result.settlement !== 'saved' && result.settlement !== 'unknown';
    if (!settledEarlierAsNotSaved) return { ...result, earlier: submission.earlier };
  }
}
