import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/** Sortable, unique ids (ULID) for needs and other records. */
export function newId(now: Date = new Date()): string {
  return nextUlid(now.getTime());
}
