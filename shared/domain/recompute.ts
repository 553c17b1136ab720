/**
 * Audit mode: the county-day counters (docs/data-model.md, `Counters`) recomputed from the raw
 * records of the `Needs` table — the need items, the referral items, the visits and their month
 * markers — and compared with the live counters that every workflow step `ADD`s in its own
 * transaction.
 *
 * Every counter is counted on the CST day ({@link chinaDay}) of the instant the live path used as
 * `now`, which the records keep, in the county of the need:
 *
 * | counters | live writer | instant in the records |
 * |---|---|---|
 * | `declared` | need-repository `create`, visit-need-store `create` | need `submittedDay` (= chinaDay(`submittedAt`)) |
 * | `declaredFromVisits` | visit-need-store `create` (a need entered from a visit) | need `submittedDay`, for a need with `source` `visit` |
 * | `recommended` / `notRecommended`, `notRecommendedBy_<reason>` (one per distinct sanitised code, also when recommended) | routing-store `recordScreening` | need `screening.at` |
 * | `offers`, `offersBy_<bank>` | `createReferral` (nextBankStep) | referral `offeredAt` |
 * | `accepted`, `acceptedBy_<bank>`, `answerDaysBucketBy_<bank>_<n>` | `applyTransition` (applyBankEvent) | referral `acceptedAt` |
 * | `declined`, `declinedBy_<reason>`, `declinedAtBankBy_<bank>`, `declinedRepairable` (stored `decline.repairable`), and `answerDaysBucketBy_<bank>_<n>` when declined at the offer (no `acceptedAt`) or `decisionDaysBucket_<n>` after acceptance | `applyTransition` | referral `decidedAt` with `decline` |
 * | `granted`, `grantedAmountYuan`, `grantedAtBankBy_<bank>`, `grantedAmountYuanAtBankBy_<bank>`, `grantedRateBpSum`, `grantedRateBpAmountSum`, `creditLoans`, `creditLoanAmountYuan`, `firstLoans`, `mediumLongTermLoans`, `decisionDaysBucket_<n>` | `applyTransition` | referral `decidedAt` with `grant` |
 * | `disbursed`, `disbursedAmountYuan` | `applyTransition` | referral `disbursedAt` if stored (proposed), else the referral's `updatedAt` (set by the disbursing transition, never touched afterwards: a disbursed referral takes no further transition) |
 * | `deadlinesMissed`, `deadlinesMissedBy_<bank>` | `expireReferral` | referral `expiredAt` |
 * | `lateAnswers`, `lateAnswersBy_<bank>` | `recordLateAnswer` | each referral `lateAnswers[].at` |
 * | `unmatched` | `escalate` | each need `timeline` entry with code `unmatched` (or, written before codes, a note with status `unmatched` that is not a routing failure's) |
 * | `escalationsOpened`, `escalationsOpenedBy_<kind>` | escalation-store `opening` (in the write of `escalate`, a repairable decline, a late answer, an overdue review) | each escalation item's `openings[].at` |
 * | `escalationsResolved`, `escalationsResolvedBy_<resolution>` | escalation-store `resolve` / `reroute` (the task force's actions) | each escalation item's `resolutions[].at` |
 * | `routingFailures` | `recordFailure` | need `routingFailure.at` |
 * | `reviewsMade`, `reviewsMadeBy_<decision>`, `reviewWorkingDaysBucket_<n>`, and `recommended` (a recommendation) or `notRecommended`, `notRecommendedBy_review_<code>` (a non-recommendation) | routing-store `decideReview` (review.ts decisionCounters) | need `review.decision.at` (and each of `earlierReviews`); a screening with `reviewed` counts no `recommended` |
 * | `reviewsOverdue` | routing-store `markReviewOverdue` | need `review.overdueAt` (and each of `earlierReviews`) |
 * | `visits` | visit-store `record` | each visit item's `visitedOn` (the day of the visit, not of its recording) |
 * | `visitedEntities` (distinct per county and CST month) | visit-store `record`, with the enterprise's month marker | each `visited-entity` marker's `visitedOn` (the visit that created it) |
 * | `funnelRecommended`, `funnelOffered`, `funnelAccepted`, `funnelGranted`, `funnelDisbursed` (the funnel's cohort, funnel.ts) | routing-store, in the transaction of the stage change that first reaches the stage | need `submittedDay`, one per stage in the need's `funnelStages` |
 * | `funnelVisitClaimed` | routing-store `claimVisit`, after the screening | each `visited-entity` marker with `funnelNeedId`, on its `visitedOn` |
 * | `plannedEntities` (distinct per county and CST month) | import-plan-store `recordBatch` (a visit plan's import) | each `planned-entity` item's `plannedOn` |
 *
 * `n` is the whole CST calendar days from `offeredAt` to the answer, as applyBankEvent counts it.
 * The county is the referral's own `countyCode` for referral events (a copy of the need's
 * `enterprise.countyCode`, which never changes), so every item contributes on its own: the
 * recompute of a union of item sets is the sum of their recomputes, and items can be streamed.
 *
 * Where the records cannot say what the live path counted, the result lists a {@link RecomputeGap}
 * rather than guessing silently (see {@link recomputeCountersDetailed}). Known differences by design
 * of the live path are described on {@link RecomputeGapKind}.
 *
 * Pure module: no I/O, no environment, no clock (only a memo of day names).
 */
import { answerDaysBucketKey, counterKey, decisionDaysBucketKey } from './counters';
import { chinaDay, type NeedRecord, type TimelineEntry } from './need-record';
import { FUNNEL_VISIT_CLAIMED } from './counters';
import { funnelCounterKey, reachedStages } from './funnel';
import { MEDIUM_LONG_TERM_MONTHS, type Referral } from './referral';
import { decisionCounters, type ReviewDecisionRecord } from './review';
import type { CounterRow } from './rollup';

// ---------------------------------------------------------------------------------------------
// Records

/** What `recordScreening` stores on the need. */
export interface ScreeningRecord {
  recommended: boolean;
  /** The screening recommended the need to the task force's review (review.ts): its decision counts `recommended`. */
  reviewed?: boolean;
  reasons: readonly { code: string; criterion?: string }[];
  at: string;
}

/** What `recordFailure` stores on the need (the last failure only). */
export interface RoutingFailureRecord {
  error: string;
  at: string;
}

/** A need item as the routing steps leave it. */
export type NeedRecordWithExtras = NeedRecord & {
  referralIds?: string[];
  screening?: ScreeningRecord;
  /** The screenings of the rounds before an amendment routed the need again (need-changes-store.ts). */
  earlierScreenings?: ScreeningRecord[];
  routingFailure?: RoutingFailureRecord;
};

/** One entry of a referral's `lateAnswers` (`recordLateAnswer`). */
export interface LateAnswerRecord {
  at: string;
  event?: unknown;
}

/** A referral item as the routing steps and bank events leave it. */
export type ReferralRecord = Referral & {
  /** Set by `expireReferral`. */
  expiredAt?: string;
  missedDeadline?: 'offer' | 'decision';
  lateAnswers?: LateAnswerRecord[];
  /** Set by every applied bank event (`applyTransition`); absent on a referral never answered. */
  updatedAt?: string;
  /** Proposed: the instant of the `referral.disbursed` event (not written by routing yet). */
  disbursedAt?: string;
};

/** The fields of a need the recompute reads: {@link NeedRecordWithExtras} or anything slimmer with them. */
export interface RecomputeNeed {
  needId: string;
  submittedAt: string;
  submittedDay?: string;
  status?: string;
  /** The funnel's cohort stages the need has reached (funnel.ts): a list, or a Set. */
  funnelStages?: unknown;
  /** `visit`: entered by the task force from a visit (counted in `declaredFromVisits` too). */
  source?: string;
  enterprise: { countyCode: string };
  timeline?: readonly (Pick<TimelineEntry, 'at' | 'status'> & { code?: string; note?: string })[];
  screening?: ScreeningRecord;
  earlierScreenings?: ScreeningRecord[];
  routingFailure?: RoutingFailureRecord;
  /** The task force's review of this round, and of the rounds before (review.ts). */
  review?: RecomputeReview;
  earlierReviews?: RecomputeReview[];
}

/** What the recompute reads of a review. */
export interface RecomputeReview {
  overdueAt?: string;
  decision?: Pick<ReviewDecisionRecord, 'decision' | 'reasonCodes' | 'workingDays' | 'at'>;
}

/** The fields of a referral the recompute reads: {@link ReferralRecord} or anything slimmer with them. */
export type RecomputeReferral = Pick<
  Referral,
  'referralId' | 'needId' | 'bankId' | 'countyCode' | 'stage' | 'offeredAt' | 'acceptedAt' | 'decidedAt' | 'decline' | 'grant' | 'disbursement'
> &
  Pick<ReferralRecord, 'expiredAt' | 'lateAnswers' | 'updatedAt' | 'disbursedAt'>;

/** The fields of a visit plan's entry the recompute reads (the CST day it was written on). */
export interface RecomputePlan {
  countyCode: string;
  plannedOn: string;
}

/** The fields of a visit item, or of a visited-entity marker, the recompute reads. */
export interface RecomputeVisit {
  countyCode: string;
  visitedOn: string;
  /** On a visited-entity marker: the need that claimed it for the funnel's first step (funnel.ts). */
  funnelNeedId?: string;
}

/** The fields of an escalation item the recompute reads. */
export interface RecomputeEscalation {
  countyCode: string;
  openings?: readonly { kind: string; at: string }[];
  resolutions?: readonly { resolution: string; at: string }[];
}

export interface RecomputeInput {
  /** Arrays, or any iterable (a lazy scan): each is read once, needs first. */
  needs: Iterable<RecomputeNeed>;
  referrals: Iterable<RecomputeReferral>;
  /** The task force's visits (itemType `visit`): one `visits` each. */
  visits?: Iterable<RecomputeVisit>;
  /** The county's escalations (itemType `escalation`): each opening and each resolution, on its day. */
  escalations?: Iterable<RecomputeEscalation>;
  /** The markers of enterprises visited in a county and month (itemType `visited-entity`): one `visitedEntities` each. */
  visitedEntities?: Iterable<RecomputeVisit>;
  /** The enterprises planned for visits in a county and month (itemType `planned-entity`): one `plannedEntities` each. */
  plannedEntities?: Iterable<RecomputePlan>;
}

/**
 * Why a record's counters may differ from the live ones.
 * - `missing_timestamp`: the record shows the event happened (its stage or payload), but the
 *   instant the live path counted it on is missing or unparseable: the event is **not** counted.
 * - `disbursed_day_approximated`: a disbursed referral with neither `disbursedAt` nor `updatedAt`;
 *   counted on the bank's `disbursement.disbursedOn` (the loan's value date, which the bank reports
 *   and which may be earlier than the day the event arrived, the live counter's day).
 * - `repeated_screening`: the timeline shows the screening step wrote more than once (a race of a
 *   retried step: `recordScreening` checks the status it read, its write is not conditional on
 *   it). Live counted every write; the need keeps only the last outcome, counted once here.
 * - `repeated_failure`: the timeline shows more than one routing-failure entry; live counted each,
 *   the need keeps only the last `routingFailure`, counted once here.
 *
 * Not detectable from the records (so not listed per record): a bank answer whose transition lost
 * the race with `expireReferral` (bank-webhook: `applyTransition` → condition failed → referral
 * now expired → `recordLateAnswer(…, { lateAnswers: 1 })`) is stored exactly like an answer to a
 * referral already expired (counted with `lateAnswersBy_<bank>`): it is recomputed with the bank
 * breakdown, one more `lateAnswersBy_<bank>` than live.
 */
export type RecomputeGapKind = 'missing_timestamp' | 'disbursed_day_approximated' | 'repeated_screening' | 'repeated_failure';

export interface RecomputeGap {
  kind: RecomputeGapKind;
  item: 'need' | 'referral';
  /** needId or referralId. */
  id: string;
  /** The attribute the instant should come from. */
  field: string;
  /** The counters affected. */
  counters: string[];
  detail: string;
}

export interface RecomputeResult {
  /**
   * One row per county and CST day with a non-zero counter, sorted by day then county; counter
   * keys sorted. `counters` objects have a null prototype (dictionaries): compare with toEqual,
   * not toStrictEqual.
   */
  rows: CounterRow[];
  gaps: RecomputeGap[];
  /** Items read: what a Scan of the needs table returns of these two types. */
  itemsRead: { needs: number; referrals: number };
}

/** One counter that differs between the counters table and the recompute. */
export interface CounterDifference {
  day: string;
  countyCode: string;
  counter: string;
  live: number;
  recomputed: number;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** The start of a routing-failure timeline note written before timeline codes (routing-store `recordFailure`). */
const FAILURE_NOTE_PREFIX = '处理出现故障';
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const DAY_MS = 86_400_000;
const CST_OFFSET_MS = 8 * 3_600_000;
/** Day names by CST day number: a memo (a few hundred days a year), so a record costs one Date.parse per instant. */
const dayNames = new Map<number, string>();

/** The CST day number (days since 1970-01-01 CST) of an ISO instant, or undefined when missing or unparseable. */
function dayNumber(instant: unknown): number | undefined {
  if (typeof instant !== 'string') return undefined;
  const ms = Date.parse(instant);
  return Number.isNaN(ms) ? undefined : Math.floor((ms + CST_OFFSET_MS) / DAY_MS);
}

/** `YYYY-MM-DD` of a CST day number: the same as {@link chinaDay} of any instant of that day. */
function dayName(n: number): string {
  let name = dayNames.get(n);
  if (name === undefined) dayNames.set(n, (name = chinaDay(new Date(n * DAY_MS - CST_OFFSET_MS))));
  return name;
}

/** The CST day of an ISO instant, or undefined when it is missing or unparseable. */
function dayOf(instant: unknown): string | undefined {
  const n = dayNumber(instant);
  return n === undefined ? undefined : dayName(n);
}

/** Whole CST calendar days from the offer to an answer, exactly as applyBankEvent counts them. */
function daysFromOffer(offerDay: number, answerDay: number): number {
  return Math.max(0, answerDay - offerDay);
}

type Cell = Record<string, number>;

function bump(cell: Cell, name: string, value: number): void {
  cell[name] = (cell[name] ?? 0) + value;
}

/** Counters by CST day and county. */
class Tally {
  private readonly days = new Map<string, Map<string, Cell>>();

  private last: { day: string; countyCode: string; cell: Cell } | undefined;

  cell(day: string, countyCode: string): Cell {
    const last = this.last;
    if (last !== undefined && last.day === day && last.countyCode === countyCode) return last.cell;
    let counties = this.days.get(day);
    if (!counties) this.days.set(day, (counties = new Map()));
    let cell = counties.get(countyCode);
    // A dictionary from the start: a cell gets a few dozen of thousands of possible counter names.
    if (!cell) counties.set(countyCode, (cell = Object.create(null) as Cell));
    this.last = { day, countyCode, cell };
    return cell;
  }

  add(day: string, countyCode: string, counters: Readonly<Record<string, number>>): void {
    const cell = this.cell(day, countyCode);
    for (const name in counters) {
      const value = counters[name]!;
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new TypeError(`counter ${name} of ${countyCode} on ${day} is not a finite number: ${String(value)}`);
      }
      bump(cell, name, value);
    }
  }

  /** The rows, sorted by day then county, keys sorted; empties the tally (a day at a time, to bound memory). */
  drain(): CounterRow[] {
    this.last = undefined;
    const rows: CounterRow[] = [];
    for (const day of [...this.days.keys()].sort()) {
      const counties = this.days.get(day)!;
      this.days.delete(day);
      for (const countyCode of [...counties.keys()].sort()) {
        const cell = counties.get(countyCode)!;
        // A dictionary too: plain objects with sorted keys from thousands of possible names cost a
        // hidden class per key sequence (a million rows of them take most of the recompute).
        const counters = Object.create(null) as Cell;
        let any = false;
        for (const name of Object.keys(cell).sort()) {
          if (cell[name] !== 0) {
            counters[name] = cell[name]!;
            any = true;
          }
        }
        if (any) rows.push({ day, countyCode, counters });
      }
    }
    return rows;
  }
}

/** A bank's counter names, built once per bank (counterKey sanitises with a regex). */
interface BankKeys {
  offers: string;
  accepted: string;
  declinedAtBank: string;
  grantedAtBank: string;
  grantedAmountYuanAtBank: string;
  deadlinesMissed: string;
  lateAnswers: string;
  answerDays: string[];
}

// ---------------------------------------------------------------------------------------------
// Recompute

class Recompute {
  readonly tally = new Tally();
  readonly gaps: RecomputeGap[] = [];
  needs = 0;
  referrals = 0;
  private readonly banks = new Map<string, BankKeys>();
  private readonly reasonKeys = new Map<string, string>();
  private readonly decisionDays: string[] = [];

  private bankKeys(bankId: string): BankKeys {
    let keys = this.banks.get(bankId);
    if (!keys) {
      keys = {
        offers: counterKey('offers', bankId),
        accepted: counterKey('accepted', bankId),
        declinedAtBank: counterKey('declinedAtBank', bankId),
        grantedAtBank: counterKey('grantedAtBank', bankId),
        grantedAmountYuanAtBank: counterKey('grantedAmountYuanAtBank', bankId),
        deadlinesMissed: counterKey('deadlinesMissed', bankId),
        lateAnswers: counterKey('lateAnswers', bankId),
        answerDays: [],
      };
      this.banks.set(bankId, keys);
    }
    return keys;
  }

  private answerDaysKey(bankId: string, keys: BankKeys, days: number): string {
    return (keys.answerDays[days] ??= answerDaysBucketKey(bankId, days));
  }

  private decisionDaysKey(days: number): string {
    return (this.decisionDays[days] ??= decisionDaysBucketKey(days));
  }

  /** `<name>By_<sanitised reason>` (notRecommended, declined). */
  private reasonKey(name: string, code: string): string {
    const memo = `${name}\u0000${code}`;
    let key = this.reasonKeys.get(memo);
    if (key === undefined) this.reasonKeys.set(memo, (key = counterKey(name, code)));
    return key;
  }

  private gap(item: 'need' | 'referral', id: string, kind: RecomputeGapKind, field: string, counters: string[], detail: string): void {
    this.gaps.push({ kind, item, id, field, counters, detail });
  }

  private missing(referral: RecomputeReferral, field: string, counters: string[], value: unknown): void {
    const detail = value === undefined ? `stage ${referral.stage} without ${field}` : `unparseable instant ${String(value)}`;
    this.gap('referral', referral.referralId, 'missing_timestamp', field, counters, detail);
  }

  need(need: RecomputeNeed): void {
    this.needs++;
    const county = need.enterprise.countyCode;
    const id = need.needId;

    // declared: the submission transaction keys the counter by `submittedDay`.
    const declaredDay = need.submittedDay && DAY_PATTERN.test(need.submittedDay) ? need.submittedDay : dayOf(need.submittedAt);
    if (declaredDay) {
      bump(this.tally.cell(declaredDay, county), 'declared', 1);
      if (need.source === 'visit') bump(this.tally.cell(declaredDay, county), 'declaredFromVisits', 1);
      for (const stage of reachedStages(need.funnelStages)) bump(this.tally.cell(declaredDay, county), funnelCounterKey(stage), 1);
    } else this.gap('need', id, 'missing_timestamp', 'submittedAt', ['declared'], 'no submittedDay and no parseable submittedAt');

    let screenings = 0;
    let failures = 0;
    for (const entry of need.timeline ?? []) {
      const isFailure = entry.code === 'routing_failed' || (entry.code === undefined && entry.note !== undefined && entry.note.startsWith(FAILURE_NOTE_PREFIX));
      if (isFailure) failures++;
      if (entry.status === 'screening') screenings++;
      // Every `escalate` write appends exactly one such entry in the counter's transaction;
      // `recordFailure` on an unmatched need appends one too, with its own note and status unchanged.
      // Other entries may carry the status too (a renewed consent, the task force's actions): only the escalation's own counts.
      if (entry.status === 'unmatched' && !isFailure && (entry.code === undefined || entry.code === 'unmatched')) {
        const day = dayOf(entry.at);
        if (day) bump(this.tally.cell(day, county), 'unmatched', 1);
        else this.gap('need', id, 'missing_timestamp', 'timeline[status=unmatched].at', ['unmatched'], `unparseable instant ${String(entry.at)}`);
      }
    }

    // Each round of routing screens once: the current screening, and those of the rounds before an
    // amendment (kept beside it as `earlierScreenings`), each counted on its own day.
    const earlier = need.earlierScreenings ?? [];
    for (const screening of [...earlier, ...(need.screening ? [need.screening] : [])]) {
      // A screening that put the need to the task force's review counts no `recommended`: the decision does (below).
      const names = screening.reviewed ? [] : [screening.recommended ? 'recommended' : 'notRecommended'];
      // One each, also for several reasons with the same sanitised code, as in recordScreening.
      for (const reason of screening.reasons ?? []) {
        const key = this.reasonKey('notRecommended', reason.code);
        if (!names.includes(key)) names.push(key);
      }
      const day = dayOf(screening.at);
      if (day) {
        const cell = this.tally.cell(day, county);
        for (const name of names) bump(cell, name, 1);
      } else this.gap('need', id, 'missing_timestamp', 'screening.at', names, `unparseable instant ${String(screening.at)}`);
      if (screening === need.screening && screenings > earlier.length + 1) {
        this.gap('need', id, 'repeated_screening', 'screening', names, `${screenings} screening runs in the timeline, one stored outcome counted`);
      }
    }
    if (!need.screening && (screenings > earlier.length || (need.status !== undefined && need.status !== 'submitted' && need.status !== 'screening' && need.status !== 'withdrawn'))) {
      this.gap('need', id, 'missing_timestamp', 'screening', ['recommended', 'notRecommended'], `status ${String(need.status)} without a stored screening`);
    }

    // The task force's reviews (review.ts), this round's and the earlier rounds': each decision on its
    // day, as decisionCounters counts it; each review marked overdue on the day it was.
    for (const review of [...(need.earlierReviews ?? []), ...(need.review ? [need.review] : [])]) {
      if (review.decision) {
        const day = dayOf(review.decision.at);
        const counters = decisionCounters(review.decision);
        if (day) this.tally.add(day, county, counters);
        else this.gap('need', id, 'missing_timestamp', 'review.decision.at', Object.keys(counters), `unparseable instant ${String(review.decision.at)}`);
      }
      if (review.overdueAt !== undefined) {
        const day = dayOf(review.overdueAt);
        if (day) bump(this.tally.cell(day, county), 'reviewsOverdue', 1);
        else this.gap('need', id, 'missing_timestamp', 'review.overdueAt', ['reviewsOverdue'], `unparseable instant ${String(review.overdueAt)}`);
      }
    }

    const failure = need.routingFailure;
    if (failure) {
      const day = dayOf(failure.at);
      if (day) bump(this.tally.cell(day, county), 'routingFailures', 1);
      else this.gap('need', id, 'missing_timestamp', 'routingFailure.at', ['routingFailures'], `unparseable instant ${String(failure.at)}`);
      if (failures > 1) this.gap('need', id, 'repeated_failure', 'routingFailure', ['routingFailures'], `${failures} failure entries in the timeline, one counted`);
    } else if (failures > 0) {
      this.gap('need', id, 'missing_timestamp', 'routingFailure', ['routingFailures'], `${failures} failure entries in the timeline without a stored routingFailure`);
    }
  }

  referral(referral: RecomputeReferral): void {
    this.referrals++;
    const county = referral.countyCode;
    const bank = referral.bankId;
    const keys = this.bankKeys(bank);
    const id = referral.referralId;

    // Day numbers: whole CST calendar days from the offer to an answer are their difference, as
    // applyBankEvent counts them (the rounded difference of the two days' midnights).
    const offerDay = dayNumber(referral.offeredAt);
    if (offerDay !== undefined) {
      const cell = this.tally.cell(dayName(offerDay), county);
      bump(cell, 'offers', 1);
      bump(cell, keys.offers, 1);
    } else this.missing(referral, 'offeredAt', ['offers', keys.offers], referral.offeredAt);

    // Accepted: every referral that passed through `accepted` has `acceptedAt`.
    const acceptedDay = dayNumber(referral.acceptedAt);
    if (acceptedDay !== undefined) {
      const cell = this.tally.cell(dayName(acceptedDay), county);
      bump(cell, 'accepted', 1);
      bump(cell, keys.accepted, 1);
      if (offerDay !== undefined) bump(cell, this.answerDaysKey(bank, keys, daysFromOffer(offerDay, acceptedDay)), 1);
      else this.gap('referral', id, 'missing_timestamp', 'offeredAt', ['answerDaysBucketBy_'], 'answer time unknown without offeredAt');
    } else if (referral.acceptedAt !== undefined || referral.grant !== undefined || referral.stage === 'accepted' || referral.stage === 'granted' || referral.stage === 'disbursed') {
      this.missing(referral, 'acceptedAt', ['accepted', keys.accepted, 'answerDaysBucketBy_'], referral.acceptedAt);
    }

    const decidedDay = dayNumber(referral.decidedAt);
    const decline = referral.decline;
    if (decline) {
      const reasonKey = this.reasonKey('declined', decline.reasonCode);
      if (decidedDay !== undefined) {
        const cell = this.tally.cell(dayName(decidedDay), county);
        bump(cell, 'declined', 1);
        bump(cell, reasonKey, 1);
        bump(cell, keys.declinedAtBank, 1);
        if (decline.repairable) bump(cell, 'declinedRepairable', 1);
        if (offerDay !== undefined) {
          // Declining an offer answers it; declining after acceptance is the credit decision.
          const days = daysFromOffer(offerDay, decidedDay);
          bump(cell, referral.acceptedAt !== undefined ? this.decisionDaysKey(days) : this.answerDaysKey(bank, keys, days), 1);
        } else {
          this.gap('referral', id, 'missing_timestamp', 'offeredAt', ['answerDaysBucketBy_', 'decisionDaysBucket_'], 'decline time from offer unknown without offeredAt');
        }
      } else this.missing(referral, 'decidedAt', ['declined', reasonKey, keys.declinedAtBank], referral.decidedAt);
    } else if (referral.stage === 'declined') {
      this.gap('referral', id, 'missing_timestamp', 'decline', ['declined'], 'stage declined without the decline record');
    }

    const grant = referral.grant;
    if (grant) {
      if (decidedDay !== undefined) {
        const cell = this.tally.cell(dayName(decidedDay), county);
        bump(cell, 'granted', 1);
        bump(cell, 'grantedAmountYuan', grant.amountYuan);
        bump(cell, keys.grantedAtBank, 1);
        bump(cell, keys.grantedAmountYuanAtBank, grant.amountYuan);
        bump(cell, 'grantedRateBpSum', grant.annualRateBp);
        bump(cell, 'grantedRateBpAmountSum', grant.annualRateBp * grant.amountYuan);
        if (grant.loanType === 'credit') {
          bump(cell, 'creditLoans', 1);
          bump(cell, 'creditLoanAmountYuan', grant.amountYuan);
        }
        if (grant.firstLoan) bump(cell, 'firstLoans', 1);
        if (grant.termMonths > MEDIUM_LONG_TERM_MONTHS) bump(cell, 'mediumLongTermLoans', 1);
        if (offerDay !== undefined) bump(cell, this.decisionDaysKey(daysFromOffer(offerDay, decidedDay)), 1);
        else this.gap('referral', id, 'missing_timestamp', 'offeredAt', ['decisionDaysBucket_'], 'decision time from offer unknown without offeredAt');
      } else this.missing(referral, 'decidedAt', ['granted', 'grantedAmountYuan', keys.grantedAtBank, keys.grantedAmountYuanAtBank], referral.decidedAt);
    } else if (referral.stage === 'granted' || referral.stage === 'disbursed') {
      this.gap('referral', id, 'missing_timestamp', 'grant', ['granted'], `stage ${referral.stage} without the grant record`);
    }

    const disbursement = referral.disbursement;
    if (disbursement) {
      let day = dayOf(referral.disbursedAt) ?? dayOf(referral.updatedAt);
      if (!day && DAY_PATTERN.test(disbursement.disbursedOn)) {
        day = disbursement.disbursedOn;
        this.gap('referral', id, 'disbursed_day_approximated', 'disbursedAt', ['disbursed', 'disbursedAmountYuan'], `no disbursedAt or updatedAt: counted on the bank's disbursedOn ${day}`);
      }
      if (day) {
        const cell = this.tally.cell(day, county);
        bump(cell, 'disbursed', 1);
        bump(cell, 'disbursedAmountYuan', disbursement.amountYuan);
      } else this.missing(referral, 'disbursedAt', ['disbursed', 'disbursedAmountYuan'], referral.disbursedAt);
    } else if (referral.stage === 'disbursed') {
      this.gap('referral', id, 'missing_timestamp', 'disbursement', ['disbursed', 'disbursedAmountYuan'], 'stage disbursed without the disbursement record');
    }

    const expiredDay = dayOf(referral.expiredAt);
    if (expiredDay) {
      const cell = this.tally.cell(expiredDay, county);
      bump(cell, 'deadlinesMissed', 1);
      bump(cell, keys.deadlinesMissed, 1);
    } else if (referral.stage === 'expired' || referral.expiredAt !== undefined) {
      this.missing(referral, 'expiredAt', ['deadlinesMissed', keys.deadlinesMissed], referral.expiredAt);
    }

    for (const late of referral.lateAnswers ?? []) {
      const day = dayOf(late?.at);
      if (day) {
        const cell = this.tally.cell(day, county);
        // bank-webhook counts every late answer with its bank.
        bump(cell, 'lateAnswers', 1);
        bump(cell, keys.lateAnswers, 1);
      } else this.missing(referral, 'lateAnswers[].at', ['lateAnswers', keys.lateAnswers], late?.at);
    }
  }
}

/**
 * The county-day counters recomputed from need and referral records, with the records' gaps and
 * the number of items read. Deterministic: the same records in any order give the same rows.
 */
export function recomputeCountersDetailed(input: RecomputeInput): RecomputeResult {
  const run = new Recompute();
  for (const need of input.needs) run.need(need);
  for (const referral of input.referrals) run.referral(referral);
  for (const visit of input.visits ?? []) bump(run.tally.cell(visit.visitedOn, visit.countyCode), 'visits', 1);
  for (const marker of input.visitedEntities ?? []) {
    bump(run.tally.cell(marker.visitedOn, marker.countyCode), 'visitedEntities', 1);
    if (marker.funnelNeedId !== undefined) bump(run.tally.cell(marker.visitedOn, marker.countyCode), FUNNEL_VISIT_CLAIMED, 1);
  }
  for (const plan of input.plannedEntities ?? []) bump(run.tally.cell(plan.plannedOn, plan.countyCode), 'plannedEntities', 1);
  for (const escalation of input.escalations ?? []) {
    const events = [
      ...(escalation.openings ?? []).map((o) => ({ at: o.at, name: 'escalationsOpened', by: o.kind })),
      ...(escalation.resolutions ?? []).map((r) => ({ at: r.at, name: 'escalationsResolved', by: r.resolution })),
    ];
    for (const event of events) {
      const day = dayOf(event.at);
      if (!day) continue;
      const cell = run.tally.cell(day, escalation.countyCode);
      bump(cell, event.name, 1);
      bump(cell, counterKey(event.name, event.by), 1);
    }
  }
  const order = (g: RecomputeGap) => `${g.id}\u0000${g.field}\u0000${g.kind}`;
  const gaps = run.gaps.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  return { rows: run.tally.drain(), gaps, itemsRead: { needs: run.needs, referrals: run.referrals } };
}

/** The county-day counters recomputed from need and referral records (see the module comment). */
export function recomputeCounters(input: RecomputeInput): CounterRow[] {
  return recomputeCountersDetailed(input).rows;
}

/** Sums counter rows by day and county (zeros dropped), sorted like {@link recomputeCounters}. */
export function mergeCounterRows(...rowSets: readonly (readonly CounterRow[])[]): CounterRow[] {
  const tally = new Tally();
  for (const rows of rowSets) for (const row of rows) tally.add(row.day, row.countyCode, withoutUpdatedAt(row.counters));
  return tally.drain();
}

function withoutUpdatedAt(counters: Readonly<Record<string, unknown>>): Record<string, number> {
  if (!('updatedAt' in counters)) return counters as Record<string, number>;
  const { updatedAt: _updatedAt, ...rest } = counters;
  return rest as Record<string, number>;
}

/**
 * The counters that differ between live rows (the counters table) and recomputed rows, sorted by
 * day, county and counter. A missing counter equals zero; rows for the same day and county are
 * summed; an `updatedAt` attribute left in a row's counters is ignored.
 */
export function diffCounters(live: readonly CounterRow[], recomputed: readonly CounterRow[]): CounterDifference[] {
  const index = (rows: readonly CounterRow[]) => new Map(mergeCounterRows(rows).map((r) => [`${r.day}|${r.countyCode}`, r]));
  const a = index(live);
  const b = index(recomputed);
  const differences: CounterDifference[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const l = a.get(key)?.counters ?? {};
    const r = b.get(key)?.counters ?? {};
    const { day, countyCode } = (a.get(key) ?? b.get(key))!;
    for (const counter of [...new Set([...Object.keys(l), ...Object.keys(r)])].sort()) {
      const liveValue = l[counter] ?? 0;
      const recomputedValue = r[counter] ?? 0;
      if (liveValue !== recomputedValue) differences.push({ day, countyCode, counter, live: liveValue, recomputed: recomputedValue });
    }
  }
  return differences;
}

// ---------------------------------------------------------------------------------------------
// Raw items

/**
 * Items of the counters table (`{ day, countyCode, updatedAt, …counters }`, e.g. from a Scan) as
 * counter rows, like counters-reader does; non-numeric attributes other than the keys are refused.
 */
export function counterRowsFromItems(items: readonly Record<string, unknown>[]): CounterRow[] {
  return items.map(({ day, countyCode, updatedAt: _updatedAt, ...rest }) => {
    const counters: Record<string, number> = {};
    for (const [name, value] of Object.entries(rest)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new TypeError(`counter ${name} of ${String(countyCode)} on ${String(day)} is not a finite number: ${String(value)}`);
      }
      counters[name] = value;
    }
    return { day: String(day), countyCode: String(countyCode), counters };
  });
}

const KEY_ATTRIBUTES = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'itemType']);

function stripKeys<T>(item: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) if (!KEY_ATTRIBUTES.has(key)) out[key] = value;
  return out as T;
}

/**
 * The need and referral items of a Scan of the needs table, without their key attributes (`pk`,
 * `sk`, `gsi1pk`, `gsi1sk`, `itemType`). Recognised by `itemType` (`need`, `referral`), or by key
 * when `itemType` is absent (`NEED#…`/`NEED`, `REFERRAL#…`/`REFERRAL`); the task force's visits and
 * visited-entity markers (`visit`, `visited-entity`) and the escalations (`escalation`) likewise; every other item (claims,
 * banks, negative-list entries, webhook de-duplication, audit) is left out.
 */
export function splitItems(items: readonly Record<string, unknown>[]): {
  needs: NeedRecordWithExtras[];
  referrals: ReferralRecord[];
  visits: RecomputeVisit[];
  visitedEntities: RecomputeVisit[];
  plannedEntities: RecomputePlan[];
  escalations: RecomputeEscalation[];
} {
  const needs: NeedRecordWithExtras[] = [];
  const referrals: ReferralRecord[] = [];
  const visits: RecomputeVisit[] = [];
  const visitedEntities: RecomputeVisit[] = [];
  const plannedEntities: RecomputePlan[] = [];
  const escalations: RecomputeEscalation[] = [];
  for (const item of items) {
    const type = item.itemType;
    const pk = typeof item.pk === 'string' ? item.pk : '';
    if (type === 'need' || (type === undefined && pk.startsWith('NEED#') && item.sk === 'NEED')) needs.push(stripKeys(item));
    else if (type === 'referral' || (type === undefined && pk.startsWith('REFERRAL#') && item.sk === 'REFERRAL')) referrals.push(stripKeys(item));
    else if (type === 'visit') visits.push(stripKeys(item));
    else if (type === 'visited-entity') visitedEntities.push(stripKeys(item));
    else if (type === 'planned-entity') plannedEntities.push(stripKeys(item));
    else if (type === 'escalation') escalations.push(stripKeys(item));
  }
  return { needs, referrals, visits, visitedEntities, plannedEntities, escalations };
}
