// The small interfaces the handlers need from the outside world; adapters implement them.
import type { NeedRecord } from './need-record';

export type CreateNeedOutcome =
  | { kind: 'created' }
  | { kind: 'open_need_exists' }
  /**
   * An earlier request with the same Idempotency-Key and body created this need (its answer was
   * lost); the need now answers to the tracking token of the record given.
   */
  | { kind: 'already_submitted'; needId: string; status: NeedRecord['status']; sizeClass: NeedRecord['sizeClass'] }
  /** The Idempotency-Key was used before with another body. */
  | { kind: 'key_reused' };

export interface CreateNeedOptions {
  /** Hashes of the request's Idempotency-Key and of its validated body, kept with the need for retries. */
  submission?: { keyHash: string; requestHash: string };
  /** Aborted when the handler must answer: a write not yet sent is then not sent. */
  signal?: AbortSignal;
}

export interface NeedRepository {
  /**
   * Writes the need, the "one open need per credit code" claim and the county-day counter in one
   * transaction: all of them or none.
   */
  create(record: NeedRecord, options?: CreateNeedOptions): Promise<CreateNeedOutcome>;
  get(needId: string): Promise<NeedRecord | undefined>;
  /** Cheap reachability check for the health endpoint. */
  ping(): Promise<void>;
}
