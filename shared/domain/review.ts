// The county task force's review (审核): in a county set to `review: manual`, a need the automatic
// five-criteria screening (初筛) recommends goes to `in_review` on the declaration list, and the
// workflow waits (a task token kept on the need, a deadline in working days) for the task force's
// decision: `recommend` → `recommended` and on to the banks; `return` → `returned` (more information
// needed from the enterprise, which may amend the need: a new round, reviewed again); or
// `not_recommended` with reason codes and a note. Past the deadline the review is overdue (counted
// once, on that CST day) and the workflow waits on. Counties set to `auto` are routed as before.
//
// Races are decided by conditional writes, never by timing:
// - a decision is written only while the need is `in_review` (one of two racing decisions wins; the
//   other re-reads and answers `already_decided` or `refused`); a withdrawal makes it `withdrawn`;
// - after its write, the decision resumes the token the need holds then: no token can be saved
//   once the need has left `in_review`, so that token is the last one. A token the workflow no
//   longer waits on (its timer fired) is harmless: the check step that follows reads the decision;
// - the wait step saves its token only while the need is `in_review`, else it fails with
//   ReviewNotWaiting and the check step reads what happened (decided or withdrawn).
// Pure module: no I/O, no environment, no clock.
import * as z from 'zod';
import { fieldErrorsWithMessages } from './bank';
import { counterKey, reviewWorkingDaysBucketKey } from './counters';
import { workingDayDeadline, type CalendarSource } from './holiday-calendar';
import { chinaDay, type NeedRecord, type NeedStatus } from './need-record';
import type { FieldError, LocalizedText } from './problem';
import { REVIEW_NOT_RECOMMENDED_REASONS, REVIEW_RETURN_REASONS } from './review-reasons';
import { normalizeNewlines, plainText } from './text';
import { deadlineSeconds, shiftDay, type WorkdayCalendar } from './working-days';

export const REVIEW_MODES = ['manual', 'auto'] as const;
export type ReviewMode = (typeof REVIEW_MODES)[number];

export const REVIEW_DECISIONS = ['recommend', 'return', 'not_recommended'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** Working days the task force has for a review, unless the stage says otherwise. */
export const DEFAULT_REVIEW_WORKING_DAYS = 5;
/** Decisions in one request of POST /v1/counties/{countyCode}/reviews. */
export const MAX_DECISIONS = 200;
export const REVIEW_NOTE_MAX = 500;

/** The error the wait step fails with when the need no longer waits for a review (the check step reads why). */
export const REVIEW_NOT_WAITING_ERROR = 'ReviewNotWaiting';

export class ReviewNotWaitingError extends Error {
  override name = REVIEW_NOT_WAITING_ERROR;
}

/** The status each decision leaves the need in. */
export const DECIDED_STATUS: Readonly<Record<ReviewDecision, NeedStatus>> = { recommend: 'recommended', return: 'returned', not_recommended: 'not_recommended' };

/** The county's setting if it has one, else the stage's default. */
export function resolveReviewMode(setting: ReviewMode | undefined, stageDefault: ReviewMode): ReviewMode {
  return setting ?? stageDefault;
}

export function isReviewMode(value: unknown): value is ReviewMode {
  return typeof value === 'string' && (REVIEW_MODES as readonly string[]).includes(value);
}

/** A decision as the need keeps it (`review.decision`). */
export interface ReviewDecisionRecord {
  decision: ReviewDecision;
  reasonCodes: string[];
  note?: string;
  at: string;
  /** The task-force officer's subject. */
  by: string;
  /** Working days from the review's start to the decision (the reports' median). */
  workingDays: number;
}

/** A need's review of its current routing round (`review` on the need; earlier rounds in `earlierReviews`). */
export interface ReviewRecord {
  startedAt: string;
  /** When the review is due (scaled by the time scale locally, like a bank's deadline). */
  dueAt: string;
  workingDays: number;
  /** The due day runs into a year without an official holiday arrangement. */
  dueProvisional?: boolean;
  /** When the review was found past its deadline (counted `reviewsOverdue` on that CST day). */
  overdueAt?: string;
  decision?: ReviewDecisionRecord;
  /** The task token the workflow waits on. Never leaves the server. */
  taskToken?: string;
}

export type ReviewedNeed = NeedRecord & { review?: ReviewRecord; earlierReviews?: ReviewRecord[]; routingRound?: number };

export interface ReviewSettings {
  /** The stage's default for counties without a setting. */
  defaultMode: ReviewMode;
  workingDays: number;
  calendar: CalendarSource;
  /** Speed-up factor of deadlines (1 in production). */
  timeScale: number;
}

/** What the workflow waits with: the route step's answer for a need that went to review. */
export interface ReviewWait {
  recommended: true;
  found: false;
  review: { dueAt: string; timeoutSeconds: number };
}

/** A new review starting now: due `settings.workingDays` working days later (scaled), and the wait until then. */
export async function newReview(settings: ReviewSettings, now: Date): Promise<{ review: ReviewRecord; timeoutSeconds: number }> {
  const due = workingDayDeadline(now, settings.workingDays, await settings.calendar.current());
  const timeoutSeconds = deadlineSeconds(now, due.deadline, settings.timeScale);
  const review: ReviewRecord = {
    startedAt: now.toISOString(),
    dueAt: new Date(now.getTime() + timeoutSeconds * 1000).toISOString(),
    workingDays: settings.workingDays,
    ...(due.provisional ? { dueProvisional: true } : {}),
  };
  return { review, timeoutSeconds };
}

/** The route step's answer for a need already in review (a retried step). */
export function waitingReview(need: ReviewedNeed, now: Date): ReviewWait {
  const dueAt = need.review?.dueAt ?? now.toISOString();
  return { recommended: true, found: false, review: { dueAt, timeoutSeconds: deadlineSeconds(now, new Date(dueAt), 1) } };
}

/** What the route step needs for the gate. */
export interface ReviewGatePort {
  /** The county's own setting, or undefined (the stage default applies). */
  reviewMode(countyCode: string): Promise<ReviewMode | undefined>;
  /** The screening and the review in one write, conditional on the need still `submitted`. */
  startReview(need: NeedRecord, screening: { recommended: true; reasons: { code: string }[] }, review: ReviewRecord, now: Date): Promise<'written' | 'condition_failed'>;
}

/**
 * The gate after a screening that recommends the need: in a manual county the need goes to review
 * (and the workflow waits); in an auto county undefined (routed on as before).
 */
export async function reviewGate(
  port: ReviewGatePort,
  settings: ReviewSettings,
  need: NeedRecord,
  screening: { recommended: true; reasons: { code: string }[] },
  now: Date,
): Promise<ReviewWait | undefined> {
  if (resolveReviewMode(await port.reviewMode(need.enterprise.countyCode), settings.defaultMode) === 'auto') return undefined;
  const { review, timeoutSeconds } = await newReview(settings, now);
  if ((await port.startReview(need, screening, review, now)) === 'condition_failed') {
    // Screened meanwhile by a racing step: the retried step reads what it wrote.
    throw new Error(`need ${need.needId} was no longer submitted when its review was to start`);
  }
  return { recommended: true, found: false, review: { dueAt: review.dueAt, timeoutSeconds } };
}

// ---- the workflow's wait and its check ---------------------------------------------------------

export interface ReviewWaitPort {
  /** Keeps the token on the need, conditional on the need `in_review`. */
  saveReviewToken(needId: string, taskToken: string): Promise<'written' | 'condition_failed'>;
}

export async function reviewWaitStep(port: ReviewWaitPort, needId: string, taskToken: string): Promise<{ waiting: true }> {
  if ((await port.saveReviewToken(needId, taskToken)) === 'condition_failed') throw new ReviewNotWaitingError(`need ${needId} is no longer in review`);
  return { waiting: true };
}

export interface ReviewCheckPort {
  getNeed(needId: string): Promise<ReviewedNeed | undefined>;
  /** Marks the review overdue and counts it, conditional on the need `in_review` and not marked yet. */
  markReviewOverdue(need: ReviewedNeed, now: Date): Promise<'written' | 'condition_failed'>;
}

/**
 * What the wait's end means when no decision resumed it (its timer fired, or the wait could not
 * begin): the decision taken meanwhile, the need withdrawn, or wait on — for the time left when the
 * review is not due yet, else (overdue, marked and counted once) for another review period.
 */
export type ReviewCheck = { decision: ReviewDecision } | { withdrawn: true } | { timeoutSeconds: number; overdue: boolean };

export async function reviewCheckStep(port: ReviewCheckPort, settings: ReviewSettings, needId: string, now: Date): Promise<ReviewCheck> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const need = await port.getNeed(needId);
    if (!need) throw new Error(`need ${needId} not found`);
    if (need.status === 'withdrawn') return { withdrawn: true };
    if (need.status !== 'in_review') {
      if (need.review?.decision) return { decision: need.review.decision.decision };
      throw new Error(`need ${needId} left review without a decision (status ${need.status})`);
    }
    const review = need.review;
    if (!review) throw new Error(`need ${needId} is in review without its review record`);
    const due = Date.parse(review.dueAt);
    if (due > now.getTime()) return { timeoutSeconds: deadlineSeconds(now, new Date(due), 1), overdue: false };
    const again = { timeoutSeconds: (await newReview(settings, now)).timeoutSeconds, overdue: true };
    if (review.overdueAt) return again;
    if ((await port.markReviewOverdue(need, now)) === 'written') return again;
  }
  throw new Error(`need ${needId} kept changing while its review deadline was handled`);
}

// ---- decisions ----------------------------------------------------------------------------------

export const REVIEW_MESSAGES = {
  'review.need_id': { zh: '需求编号无效', en: 'Invalid need id' },
  'review.decision': { zh: '审核结论应为 recommend（推荐）、return（退回补充）或 not_recommended（不予推荐）', en: 'decision must be recommend, return or not_recommended' },
  'review.reasons_required': { zh: '退回或不予推荐时须至少选择一个原因代码', en: 'A return or a non-recommendation needs at least one reason code' },
  'review.reasons_not_allowed': { zh: '推荐时不填写原因代码', en: 'A recommendation takes no reason codes' },
  'review.reason_unknown': { zh: '原因代码不在该审核结论的原因列表中', en: 'The reason code is not one of this decision’s reasons' },
  'review.note_required': { zh: '选择“其他”原因时须填写说明', en: 'The reason “other” needs a note' },
  'review.note': { zh: `说明最多 ${REVIEW_NOTE_MAX} 个字符`, en: `The note has at most ${REVIEW_NOTE_MAX} characters` },
  'review.decisions': { zh: `每次提交 1 至 ${MAX_DECISIONS} 条审核结论`, en: `Send 1 to ${MAX_DECISIONS} decisions at a time` },
  'review.duplicate': { zh: '同一需求在一次提交中只能有一条审核结论', en: 'One decision per need in a request' },
} as const satisfies Record<string, LocalizedText>;

type ReviewMessageCode = keyof typeof REVIEW_MESSAGES;
const err = (code: ReviewMessageCode) => ({ error: code });

/** The reason codes each decision takes. */
export const DECISION_REASONS: Readonly<Record<ReviewDecision, Readonly<Record<string, LocalizedText>>>> = {
  recommend: {},
  return: REVIEW_RETURN_REASONS,
  not_recommended: REVIEW_NOT_RECOMMENDED_REASONS,
};

const decisionSchema = z
  .strictObject({
    needId: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, err('review.need_id')),
    decision: z.enum(REVIEW_DECISIONS, err('review.decision')),
    reasonCodes: z.array(z.string().max(64)).max(10).optional(),
    note: z.string().superRefine(plainText('multi')).transform(normalizeNewlines).pipe(z.string().trim().max(REVIEW_NOTE_MAX, err('review.note'))).optional(),
  })
  .superRefine((value, ctx) => {
    const codes = value.reasonCodes ?? [];
    if (value.decision === 'recommend') {
      if (codes.length > 0) ctx.addIssue({ code: 'custom', path: ['reasonCodes'], message: 'review.reasons_not_allowed', input: codes });
      return;
    }
    if (codes.length === 0) ctx.addIssue({ code: 'custom', path: ['reasonCodes'], message: 'review.reasons_required', input: codes });
    const allowed = DECISION_REASONS[value.decision];
    codes.forEach((code, i) => {
      if (!Object.hasOwn(allowed, code)) ctx.addIssue({ code: 'custom', path: ['reasonCodes', i], message: 'review.reason_unknown', input: code });
    });
    if (codes.includes('other') && !value.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'review.note_required', input: value.note });
  });

export const reviewDecisionsSchema = z
  .strictObject({
    decisions: z.array(decisionSchema).min(1, err('review.decisions')).max(MAX_DECISIONS, err('review.decisions')),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.decisions.forEach((d, i) => {
      if (seen.has(d.needId)) ctx.addIssue({ code: 'custom', path: ['decisions', i, 'needId'], message: 'review.duplicate', input: d.needId });
      seen.add(d.needId);
    });
  })
  .meta({ title: 'ReviewDecisions', description: 'The task force’s review decisions, one per need (up to 200)' });

export type ReviewDecisionInput = z.output<typeof decisionSchema>;

export function parseReviewDecisions(input: unknown): { ok: true; decisions: ReviewDecisionInput[] } | { ok: false; errors: FieldError[] } {
  const result = reviewDecisionsSchema.safeParse(input);
  if (result.success) return { ok: true, decisions: result.data.decisions.map((d) => ({ ...d, reasonCodes: [...new Set(d.reasonCodes ?? [])] })) };
  return { ok: false, errors: fieldErrorsWithMessages(result.error.issues, input, REVIEW_MESSAGES) };
}

/**
 * Working days after `start`'s CST day up to and including `end`'s (0 for a decision on the day the
 * review started), on `calendar`. Bounded: a decision more than a year on counts as 366 at most.
 */
export function workingDaysBetween(start: Date, end: Date, calendar: WorkdayCalendar): number {
  const last = chinaDay(end);
  let day = chinaDay(start);
  let count = 0;
  for (let i = 0; i < 366 && day < last; i++) {
    day = shiftDay(day, 1);
    if (calendar.isWorkday(day)) count++;
  }
  return count;
}

/** What a decision adds to the county-day counters, on the decision's day. */
export function decisionCounters(decision: Pick<ReviewDecisionRecord, 'decision' | 'reasonCodes' | 'workingDays'>): Record<string, number> {
  const counters: Record<string, number> = {
    reviewsMade: 1,
    [counterKey('reviewsMade', decision.decision)]: 1,
    [reviewWorkingDaysBucketKey(decision.workingDays)]: 1,
  };
  // The recommendation list counts the needs the review recommends; a non-recommendation counts
  // with its review reasons (`notRecommendedBy_review_<code>`, beside the screening's reasons).
  if (decision.decision === 'recommend') counters.recommended = 1;
  if (decision.decision === 'not_recommended') {
    counters.notRecommended = 1;
    for (const code of decision.reasonCodes) counters[counterKey('notRecommended', reviewReasonCounterCode(code))] = 1;
  }
  return counters;
}

/** A review reason as a breakdown of `notRecommended`: `review.<code>`. */
export const reviewReasonCounterCode = (code: string) => `review.${code}`;

/** The result of one decision of a bulk request. */
export type DecisionResult =
  | { needId: string; result: 'applied'; status: NeedStatus }
  | { needId: string; result: 'already_decided'; status: NeedStatus }
  | { needId: string; result: 'refused'; reason: DecisionRefusal; status: NeedStatus }
  | { needId: string; result: 'not_found' };

export type DecisionRefusal = 'decided_otherwise' | 'not_in_review' | 'withdrawn' | 'busy';

export const DECISION_REFUSALS: Readonly<Record<DecisionRefusal, LocalizedText>> = {
  decided_otherwise: { zh: '该需求已有不同的审核结论', en: 'The need was already decided otherwise' },
  not_in_review: { zh: '该需求不在待审核状态', en: 'The need is not waiting for a review' },
  withdrawn: { zh: '企业已撤回该需求', en: 'The enterprise withdrew the need' },
  busy: { zh: '该需求正在变化，请稍后重试', en: 'The need is changing right now; try again shortly' },
};

export interface ReviewDecisionPort {
  getNeed(needId: string): Promise<ReviewedNeed | undefined>;
  /**
   * The decision in one write: the need's status, its review's decision and timeline entry, the
   * counters and the `review-decision` audit record, conditional on the need still `in_review`.
   */
  decide(need: ReviewedNeed, decision: ReviewDecisionRecord, now: Date): Promise<'written' | 'condition_failed'>;
}

export interface ReviewWorkflowPort {
  /** Resumes the waiting review with the decision; `expired` when it no longer waits. */
  resume(taskToken: string, output: { decision: ReviewDecision }): Promise<'resumed' | 'expired'>;
}

export interface DecideContext {
  countyCode: string;
  /** The deciding officer's subject. */
  by: string;
  calendar: WorkdayCalendar;
  now: Date;
}

const sameDecision = (record: ReviewDecisionRecord, input: ReviewDecisionInput) =>
  record.decision === input.decision && [...record.reasonCodes].sort().join() === [...(input.reasonCodes ?? [])].sort().join();

/**
 * One decision: a need of another county is `not_found` (it reveals nothing); a repeat of the
 * decision taken is `already_decided`; otherwise one conditional write, then the workflow resumed.
 */
export async function decideReview(
  store: ReviewDecisionPort,
  workflow: ReviewWorkflowPort,
  input: ReviewDecisionInput,
  context: DecideContext,
): Promise<DecisionResult> {
  const needId = input.needId;
  for (let attempt = 0; attempt < 3; attempt++) {
    const need = await store.getNeed(needId);
    if (!need || need.enterprise.countyCode !== context.countyCode) return { needId, result: 'not_found' };
    const taken = need.review?.decision;
    if (need.status !== 'in_review') {
      if (taken) return sameDecision(taken, input) ? { needId, result: 'already_decided', status: need.status } : { needId, result: 'refused', reason: 'decided_otherwise', status: need.status };
      return { needId, result: 'refused', reason: need.status === 'withdrawn' ? 'withdrawn' : 'not_in_review', status: need.status };
    }
    const started = need.review ? new Date(need.review.startedAt) : context.now;
    const record: ReviewDecisionRecord = {
      decision: input.decision,
      reasonCodes: input.reasonCodes ?? [],
      ...(input.note ? { note: input.note } : {}),
      at: context.now.toISOString(),
      by: context.by,
      workingDays: workingDaysBetween(started, context.now, context.calendar),
    };
    if ((await store.decide(need, record, context.now)) === 'condition_failed') continue;
    // No token can be saved once the need left review: the one it holds now is the last.
    const token = (await store.getNeed(needId))?.review?.taskToken;
    if (token) await workflow.resume(token, { decision: input.decision });
    return { needId, result: 'applied', status: DECIDED_STATUS[input.decision] };
  }
  return { needId, result: 'refused', reason: 'busy', status: 'in_review' };
}

/** A bulk request: each decision on its own, in order. */
export async function decideReviews(
  store: ReviewDecisionPort,
  workflow: ReviewWorkflowPort,
  inputs: readonly ReviewDecisionInput[],
  context: DecideContext,
): Promise<DecisionResult[]> {
  const results: DecisionResult[] = [];
  for (const input of inputs) results.push(await decideReview(store, workflow, input, context));
  return results;
}

// ---- pending reviews (the workspace) ---------------------------------------------------------------

/** A need waiting for review as the workspace lists it. */
export interface PendingReview {
  needId: string;
  enterpriseName: string;
  amountYuan: number;
  declaredAt: string;
  dueAt: string;
  overdue: boolean;
}

/** Whether a review is past its deadline at `now`: marked so by the workflow, or due already. */
export function isOverdue(review: { dueAt: string; overdue: boolean } | undefined, now: Date): boolean {
  if (!review) return false;
  return review.overdue || Date.parse(review.dueAt) <= now.getTime();
}

/** A need in review as the workspace lists it (from the county list's row of the need). */
export function pendingReview(
  need: { needId: string; submittedAt: string; enterprise: { name: string }; need: { amountYuan: number }; review?: { dueAt: string; overdue: boolean } },
  now: Date,
): PendingReview {
  return {
    needId: need.needId,
    enterpriseName: need.enterprise.name,
    amountYuan: need.need.amountYuan,
    declaredAt: need.submittedAt,
    dueAt: need.review?.dueAt ?? '',
    overdue: isOverdue(need.review, now),
  };
}
