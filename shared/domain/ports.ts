// The small interfaces the handlers need from the outside world; adapters implement them.
import type { NeedRecord } from './need-record';

export type CreateNeedOutcome = { kind: 'created' } | { kind: 'open_need_exists' };

export interface NeedRepository {
  /**
   * Writes the need, the "one open need per credit code" claim and the county-day counter in one
   * transaction: all of them or none.
   */
  create(record: NeedRecord): Promise<CreateNeedOutcome>;
  get(needId: string): Promise<NeedRecord | undefined>;
  /** Cheap reachability check for the health endpoint. */
  ping(): Promise<void>;
}
