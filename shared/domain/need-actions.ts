// What the owner can do with a need now, as the status page offers it: amend it (after a
// non-recommendation, no match, or a bank's decline for a reason that can be put right) or withdraw
// it. Read from the need's status and timeline; the change itself decides again on the referrals
// (need-changes.ts), so a stale page gets a 409, never a wrong change. Pure and free of zod.
import type { NeedStatus } from './need-record';
import type { TimelineEntry } from './timeline-schema';

/** Rounds of routing one need may have after the first: amendments beyond are refused. */
export const MAX_AMENDMENTS = 5;

export interface NeedActions {
  amend: boolean;
  withdraw: boolean;
  /** Present (true) while the need waits for the owner's consent (entered from a visit without one): the page asks for it. */
  confirmConsent?: true;
}

/** A bank declined for a repairable reason since the need was last amended (or submitted). */
export function repairableDeclineSinceAmendment(timeline: readonly TimelineEntry[]): boolean {
  for (let i = timeline.length - 1; i >= 0; i--) {
    const entry = timeline[i]!;
    if (!('code' in entry)) continue;
    // An amendment (the owner's, or the county task force's rerouting) starts afresh.
    if (entry.code === 'amended' || entry.code === 'task_force_amended' || entry.code === 'task_force_handed_to_bank') return false;
    if (entry.code === 'declined' && entry.params.repairable) return true;
  }
  return false;
}

export function needActions(need: { status: NeedStatus; timeline: readonly TimelineEntry[]; routingRound?: number }): NeedActions {
  const closed = need.status === 'granted' || need.status === 'disbursed' || need.status === 'withdrawn';
  const roundsLeft = (need.routingRound ?? 0) < MAX_AMENDMENTS;
  const amendable =
    need.status === 'not_recommended' ||
    need.status === 'unmatched' ||
    need.status === 'returned' ||
    (need.status === 'offered' && repairableDeclineSinceAmendment(need.timeline));
  return { amend: amendable && roundsLeft, withdraw: !closed, ...(need.status === 'awaiting_consent' ? { confirmConsent: true as const } : {}) };
}
