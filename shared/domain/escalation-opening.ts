// The county's escalations as the events that open them write them (escalation.ts has the inbox and
// the task force's actions): the kinds, the item, what an opening and a resolution do to it and
// what they count. Light on imports: the routing steps and the bank webhook bundle it.
import { counterKey } from './counters';
import type { NeedStatus } from './need-record';
import type { LocalizedText } from './problem';
import { AGREEMENT_TEXT, CLOSE_OUTCOME_TEXT } from './timeline-text';

export const ESCALATION_KINDS = ['unmatched', 'declined_repairable', 'review_overdue', 'late_answer'] as const;
export type EscalationKind = (typeof ESCALATION_KINDS)[number];

export const ESCALATION_STATES = ['open', 'resolved'] as const;
export type EscalationState = (typeof ESCALATION_STATES)[number];

export const ESCALATION_ACTIONS = ['amend', 'hand_to_bank', 'resolved_offline', 'close'] as const;
export type EscalationAction = (typeof ESCALATION_ACTIONS)[number];

/** What each action resolves the escalation as (the `escalationsResolvedBy_<resolution>` counter). */
export const RESOLUTION_OF = {
  amend: 'amended',
  hand_to_bank: 'handed_to_bank',
  resolved_offline: 'resolved_offline',
  close: 'closed',
} as const satisfies Record<EscalationAction, string>;
export type EscalationResolution = (typeof RESOLUTION_OF)[EscalationAction];

export const CLOSE_OUTCOMES = Object.keys(CLOSE_OUTCOME_TEXT) as (keyof typeof CLOSE_OUTCOME_TEXT)[];
export type CloseOutcome = keyof typeof CLOSE_OUTCOME_TEXT;
export const AGREEMENT_METHODS = Object.keys(AGREEMENT_TEXT) as (keyof typeof AGREEMENT_TEXT)[];
export type AgreementMethod = keyof typeof AGREEMENT_TEXT;

export const ESCALATION_KIND_LABELS: Readonly<Record<EscalationKind, LocalizedText>> = {
  unmatched: { zh: '未匹配到银行', en: 'No bank matched' },
  declined_repairable: { zh: '银行以可补正的原因拒绝', en: 'Declined for a reason that can be put right' },
  review_overdue: { zh: '审核逾期', en: 'Review overdue' },
  late_answer: { zh: '银行逾期答复', en: 'Bank answered after its deadline' },
};

/** What the event that opened (or last touched) the escalation says: the bank and its reason. */
export interface EscalationFacts {
  /** The bank's decline reason code (declined_repairable). */
  reasonCode?: string;
  /** The bank of the decline or of the late answer. */
  bankId?: string;
  bankNameZh?: string;
  bankNameEn?: string;
  referralId?: string;
  /** The late answer's event type (late_answer), e.g. `referral.accepted`. */
  lateEvent?: string;
  /** When the review was due (review_overdue). */
  reviewDueAt?: string;
}

/** How the task force resolved it (the latest resolution). */
export interface EscalationResolutionRecord {
  action: EscalationAction;
  resolution: EscalationResolution;
  at: string;
  /** The officer (the token's `sub`). */
  who: string;
  outcome?: CloseOutcome;
  note?: string;
  /** The bank the need was handed to. */
  bankId?: string;
  agreement?: { how: AgreementMethod; note?: string };
  /** JSON pointers of the fields an amendment changed. */
  fields?: string[];
}

/** The escalation item of a need (one per need: `COUNTY#<countyCode>` / `ESCALATION#<needId>`). */
export interface Escalation {
  needId: string;
  countyCode: string;
  kind: EscalationKind;
  state: EscalationState;
  /** When it was (last) opened. */
  openedAt: string;
  updatedAt: string;
  /** Every write adds 1: the condition of the next write. */
  version: number;
  facts: EscalationFacts;
  /** Every opening (one `escalationsOpened` each, on its day; the recompute reads them). */
  openings: { kind: EscalationKind; at: string }[];
  /** Every resolution (one `escalationsResolved` each). */
  resolutions: { resolution: EscalationResolution; at: string }[];
  resolution?: EscalationResolutionRecord;
}

/** What opens (or touches) a need's escalation. */
export interface EscalationOpening {
  needId: string;
  countyCode: string;
  kind: EscalationKind;
  facts?: EscalationFacts;
}

/** The write an opening asks for: the item as it will be, the version it must still have, the counters to add. */
export interface EscalationWrite {
  escalation: Escalation;
  /** Absent: the item must not exist yet. */
  expectedVersion?: number;
  counters: Record<string, number>;
}

export const openedCounters = (kind: EscalationKind): Record<string, number> => ({ escalationsOpened: 1, [counterKey('escalationsOpened', kind)]: 1 });
export const resolvedCounters = (resolution: EscalationResolution): Record<string, number> => ({
  escalationsResolved: 1,
  [counterKey('escalationsResolved', resolution)]: 1,
});

/**
 * What an event does to the need's escalation: opens one (none yet), opens it again (resolved
 * before: counted again), or, while one is open, only brings its kind and facts up to date (not
 * counted again: one open escalation per need) — except that a repairable decline stays one, its
 * reason kept, when no bank is left after it.
 */
export function openEscalation(existing: Escalation | undefined, opening: EscalationOpening, now: Date): EscalationWrite {
  const at = now.toISOString();
  const facts = opening.facts ?? {};
  if (!existing) {
    return {
      escalation: {
        needId: opening.needId,
        countyCode: opening.countyCode,
        kind: opening.kind,
        state: 'open',
        openedAt: at,
        updatedAt: at,
        version: 1,
        facts,
        openings: [{ kind: opening.kind, at }],
        resolutions: [],
      },
      counters: openedCounters(opening.kind),
    };
  }
  // No bank left after a repairable decline: the decline is what the task force can act on, so the
  // escalation stays a repairable decline, with the bank's reason and its repair hint.
  const keepsRepair = existing.state === 'open' && existing.kind === 'declined_repairable' && opening.kind === 'unmatched';
  const next = keepsRepair
    ? { ...existing, facts: { ...existing.facts, ...facts }, updatedAt: at, version: existing.version + 1 }
    : { ...existing, kind: opening.kind, facts, updatedAt: at, version: existing.version + 1 };
  if (existing.state === 'open') return { escalation: next, expectedVersion: existing.version, counters: {} };
  const { resolution: _resolved, ...reopened } = next;
  return {
    escalation: { ...reopened, state: 'open', openedAt: at, openings: [...existing.openings, { kind: opening.kind, at }] },
    expectedVersion: existing.version,
    counters: openedCounters(opening.kind),
  };
}

/** The escalation resolved by an action, and the counters of its resolution. */
export function resolveEscalation(existing: Escalation, record: EscalationResolutionRecord): EscalationWrite {
  return {
    escalation: {
      ...existing,
      state: 'resolved',
      updatedAt: record.at,
      version: existing.version + 1,
      resolutions: [...existing.resolutions, { resolution: record.resolution, at: record.at }],
      resolution: record,
    },
    expectedVersion: existing.version,
    counters: resolvedCounters(record.resolution),
  };
}

/** The need statuses after which a late answer no longer calls for the task force: a bank has it, it is closed, or gone. */
const LATE_ANSWER_MOOT: ReadonlySet<NeedStatus> = new Set(['accepted', 'granted', 'disbursed', 'withdrawn']);

/**
 * Whether a bank's answer after its deadline opens an escalation: an acceptance (the bank wants the
 * need) while the need still has no bank — the task force may hand it to that bank.
 */
export function lateAnswerEscalates(eventType: string, needStatus: NeedStatus): boolean {
  return eventType === 'referral.accepted' && !LATE_ANSWER_MOOT.has(needStatus);
}

