// The task force's review (shared/domain/review.ts) on an in-memory store whose writes are
// conditional as DynamoDB's are: the gate, the wait and its check, decisions and their races with a
// withdrawal, a second decision and the deadline; setting resolution; working days; the body's rules.
import { describe, expect, it } from 'vitest';
import {
  decideReview,
  decideReviews,
  decisionCounters,
  parseReviewDecisions,
  resolveReviewMode,
  reviewCheckStep,
  reviewGate,
  ReviewNotWaitingError,
  reviewWaitStep,
  workingDaysBetween,
  type ReviewDecisionRecord,
  type ReviewedNeed,
  type ReviewMode,
  type ReviewRecord,
  type ReviewSettings,
} from '../../shared/domain/review';
import { weekdayCalendar } from '../../shared/domain/working-days';
import type { NeedStatus } from '../../shared/domain/need-record';

const NEED_ID = '01JD0000000000000000000000';
const COUNTY = '330108';
// Monday 2026-11-30, 10:00 CST.
const MONDAY = new Date('2026-11-30T02:00:00.000Z');
const settings: ReviewSettings = {
  defaultMode: 'manual',
  workingDays: 5,
  timeScale: 1,
  calendar: { current: () => Promise.resolve({ ...weekdayCalendar, yearStatus: () => 'official' as const, officialThrough: () => '2026-12-31' }) as never },
};

/** One need, its counters and audit records; every write conditional like the real store's. */
class World {
  need: ReviewedNeed;
  counters: Record<string, number> = {};
  audits: ReviewDecisionRecord[] = [];
  resumed: { token: string; output: unknown }[] = [];
  /** Runs once before the next write (a racing change lands first). */
  before?: () => void;
  setting?: ReviewMode;

  constructor(status: NeedStatus = 'submitted', county = COUNTY) {
    this.need = { needId: NEED_ID, status, enterprise: { countyCode: county, name: '测试企业' }, need: { amountYuan: 500_000 }, submittedAt: MONDAY.toISOString() } as unknown as ReviewedNeed;
  }

  private race() {
    const before = this.before;
    this.before = undefined;
    before?.();
  }

  readonly store = {
    getNeed: (needId: string) => Promise.resolve(needId === NEED_ID ? (structuredClone(this.need) as ReviewedNeed) : undefined),
    reviewMode: () => Promise.resolve(this.setting),
    startReview: (_need: unknown, _screening: unknown, review: ReviewRecord) => {
      this.race();
      if (this.need.status !== 'submitted') return Promise.resolve('condition_failed' as const);
      this.need = { ...this.need, status: 'in_review', review };
      return Promise.resolve('written' as const);
    },
    saveReviewToken: (_needId: string, token: string) => {
      this.race();
      if (this.need.status !== 'in_review' || !this.need.review) return Promise.resolve('condition_failed' as const);
      this.need.review = { ...this.need.review, taskToken: token };
      return Promise.resolve('written' as const);
    },
    markReviewOverdue: (_need: ReviewedNeed, now: Date) => {
      this.race();
      if (this.need.status !== 'in_review' || this.need.review?.overdueAt) return Promise.resolve('condition_failed' as const);
      this.need.review = { ...this.need.review!, overdueAt: now.toISOString() };
      this.counters.reviewsOverdue = (this.counters.reviewsOverdue ?? 0) + 1;
      return Promise.resolve('written' as const);
    },
    decide: (_need: ReviewedNeed, decision: ReviewDecisionRecord) => {
      this.race();
      if (this.need.status !== 'in_review') return Promise.resolve('condition_failed' as const);
      this.need = { ...this.need, status: ({ recommend: 'recommended', return: 'returned', not_recommended: 'not_recommended' } as const)[decision.decision], review: { ...this.need.review!, decision } };
      for (const [key, value] of Object.entries(decisionCounters(decision))) this.counters[key] = (this.counters[key] ?? 0) + value;
      this.audits.push(decision);
      return Promise.resolve('written' as const);
    },
  };

  readonly workflow = {
    resume: (token: string, output: unknown) => {
      this.resumed.push({ token, output });
      return Promise.resolve('resumed' as const);
    },
  };

  withdraw() {
    this.need = { ...this.need, status: 'withdrawn' };
  }
}

const context = (now = MONDAY) => ({ countyCode: COUNTY, by: 'officer-1', calendar: weekdayCalendar, now });
const screening = { recommended: true as const, reasons: [] };

async function inReview(world = new World()) {
  const wait = await reviewGate(world.store, settings, world.need, screening, MONDAY);
  await reviewWaitStep(world.store, NEED_ID, 'token-1');
  return { world, wait: wait! };
}

describe('the review setting', () => {
  it('is the county’s own, else the stage default', () => {
    expect(resolveReviewMode('auto', 'manual')).toBe('auto');
    expect(resolveReviewMode('manual', 'auto')).toBe('manual');
    expect(resolveReviewMode(undefined, 'manual')).toBe('manual');
    expect(resolveReviewMode(undefined, 'auto')).toBe('auto');
  });

  it('an auto county passes the gate untouched; a manual one goes to review, due 5 working days later', async () => {
    const auto = new World();
    auto.setting = 'auto';
    expect(await reviewGate(auto.store, settings, auto.need, screening, MONDAY)).toBeUndefined();
    expect(auto.need.status).toBe('submitted');
    const { world, wait } = await inReview();
    expect(world.need.status).toBe('in_review');
    // Monday → the end of the following Monday (5 working days), 16:00Z.
    expect(wait.review.dueAt).toBe('2026-12-07T16:00:00.000Z');
    expect(wait.review.timeoutSeconds).toBe((Date.parse('2026-12-07T16:00:00.000Z') - MONDAY.getTime()) / 1000);
  });

  it('a time scale shortens the wait and the stored due time alike', async () => {
    const world = new World();
    const wait = await reviewGate(world.store, { ...settings, timeScale: 86_400 }, world.need, screening, MONDAY);
    expect(wait!.review.timeoutSeconds).toBe(8);
    expect(Date.parse(wait!.review.dueAt) - MONDAY.getTime()).toBe(8000);
  });
});

describe('working days to a decision', () => {
  it('count the working days after the start day up to the decision day', () => {
    expect(workingDaysBetween(MONDAY, new Date('2026-11-30T09:00:00Z'), weekdayCalendar)).toBe(0);
    expect(workingDaysBetween(MONDAY, new Date('2026-12-01T02:00:00Z'), weekdayCalendar)).toBe(1);
    // Friday to the next Monday: the weekend does not count.
    expect(workingDaysBetween(new Date('2026-12-04T02:00:00Z'), new Date('2026-12-07T02:00:00Z'), weekdayCalendar)).toBe(1);
    expect(workingDaysBetween(MONDAY, new Date('2026-12-07T02:00:00Z'), weekdayCalendar)).toBe(5);
  });
});

describe('decisions', () => {
  it('recommend: one write, the counters and audit, then the workflow resumed with the token the need holds', async () => {
    const { world } = await inReview();
    const later = new Date('2026-12-02T02:00:00Z');
    expect(await decideReview(world.store, world.workflow, { needId: NEED_ID, decision: 'recommend', reasonCodes: [] }, context(later))).toEqual({
      needId: NEED_ID,
      result: 'applied',
      status: 'recommended',
    });
    expect(world.counters).toEqual({ reviewsMade: 1, reviewsMadeBy_recommend: 1, reviewWorkingDaysBucket_2: 1, recommended: 1 });
    expect(world.resumed).toEqual([{ token: 'token-1', output: { decision: 'recommend' } }]);
    expect(world.audits).toHaveLength(1);
  });

  it('a repeat is already_decided, another decision refused, a need of another county or unknown not_found: nothing written', async () => {
    const { world } = await inReview();
    const reasons = { needId: NEED_ID, decision: 'not_recommended' as const, reasonCodes: ['duplicate', 'not_operating'] };
    await decideReview(world.store, world.workflow, reasons, context());
    const results = await decideReviews(
      world.store,
      world.workflow,
      [{ ...reasons, reasonCodes: ['not_operating', 'duplicate'] }, { needId: NEED_ID, decision: 'recommend' }, { needId: '01JD0000000000000000000001', decision: 'recommend' }],
      context(),
    );
    expect(results).toEqual([
      { needId: NEED_ID, result: 'already_decided', status: 'not_recommended' },
      { needId: NEED_ID, result: 'refused', reason: 'decided_otherwise', status: 'not_recommended' },
      { needId: '01JD0000000000000000000001', result: 'not_found' },
    ]);
    expect(await decideReview(world.store, world.workflow, { needId: NEED_ID, decision: 'recommend' }, { ...context(), countyCode: '330106' })).toEqual({ needId: NEED_ID, result: 'not_found' });
    expect(world.audits).toHaveLength(1);
    expect(world.counters).toMatchObject({ notRecommended: 1, notRecommendedBy_review_duplicate: 1, notRecommendedBy_review_not_operating: 1 });
  });

  it('a withdrawal that lands first: the decision re-reads and is refused, nothing counted', async () => {
    const { world } = await inReview();
    world.before = () => world.withdraw();
    expect(await decideReview(world.store, world.workflow, { needId: NEED_ID, decision: 'recommend' }, context())).toEqual({
      needId: NEED_ID,
      result: 'refused',
      reason: 'withdrawn',
      status: 'withdrawn',
    });
    expect(world.counters).toEqual({});
    expect(world.resumed).toEqual([]);
  });

  it('two racing decisions: exactly one is written; the other follows it', async () => {
    const { world } = await inReview();
    world.before = () => void world.store.decide(world.need, { decision: 'return', reasonCodes: ['amount_basis'], at: MONDAY.toISOString(), by: 'officer-2', workingDays: 0 });
    expect(await decideReview(world.store, world.workflow, { needId: NEED_ID, decision: 'return', reasonCodes: ['amount_basis'] }, context())).toEqual({
      needId: NEED_ID,
      result: 'already_decided',
      status: 'returned',
    });
    expect(world.audits).toHaveLength(1);
    expect(world.counters.reviewsMade).toBe(1);
  });
});

describe('the wait and its check', () => {
  it('the wait keeps its token only while the need is in review', async () => {
    const { world } = await inReview();
    world.withdraw();
    await expect(reviewWaitStep(world.store, NEED_ID, 'token-2')).rejects.toBeInstanceOf(ReviewNotWaitingError);
  });

  it('before the due time: wait on for the time left; past it: marked and counted once, then wait another period', async () => {
    const { world, wait } = await inReview();
    expect(await reviewCheckStep(world.store, settings, NEED_ID, MONDAY)).toEqual({ timeoutSeconds: wait.review.timeoutSeconds, overdue: false });
    const past = new Date(Date.parse(wait.review.dueAt) + 1000);
    const first = await reviewCheckStep(world.store, settings, NEED_ID, past);
    const again = await reviewCheckStep(world.store, settings, NEED_ID, new Date(past.getTime() + 60_000));
    expect(first).toMatchObject({ overdue: true, timeoutSeconds: expect.any(Number) });
    expect(again).toMatchObject({ overdue: true });
    expect(world.counters).toEqual({ reviewsOverdue: 1 });
    expect(world.need.review?.overdueAt).toBe(past.toISOString());
  });

  it('a decision written as the timer fired is what the check answers (the timeout decides nothing)', async () => {
    const { world, wait } = await inReview();
    const past = new Date(Date.parse(wait.review.dueAt) + 1000);
    world.before = () => void world.store.decide(world.need, { decision: 'recommend', reasonCodes: [], at: past.toISOString(), by: 'officer-1', workingDays: 5 });
    // The check read the need in review; its overdue mark lost the race: it reads again.
    expect(await reviewCheckStep(world.store, settings, NEED_ID, past)).toEqual({ decision: 'recommend' });
    expect(world.counters.reviewsOverdue).toBeUndefined();
    world.withdraw();
    expect(await reviewCheckStep(world.store, settings, NEED_ID, past)).toEqual({ withdrawn: true });
  });
});

describe('the decisions body', () => {
  it('takes up to 200 decisions with the reasons each decision allows; field errors in zh and en otherwise', () => {
    expect(parseReviewDecisions({ decisions: [{ needId: NEED_ID, decision: 'return', reasonCodes: ['other'], note: ' 补充材料 ' }] })).toEqual({
      ok: true,
      decisions: [{ needId: NEED_ID, decision: 'return', reasonCodes: ['other'], note: '补充材料' }],
    });
    const bad = parseReviewDecisions({
      decisions: [
        { needId: NEED_ID, decision: 'recommend', reasonCodes: ['duplicate'] },
        { needId: 'x', decision: 'return', reasonCodes: ['not_genuine_need'] },
        { needId: '01JD0000000000000000000002', decision: 'not_recommended', reasonCodes: ['other'] },
        { needId: NEED_ID, decision: 'recommend', extra: 1 },
      ],
    });
    expect(bad.ok).toBe(false);
    const errors = bad.ok ? [] : bad.errors;
    expect(errors.map((e) => [e.pointer, e.code])).toEqual(
      expect.arrayContaining([
        ['/decisions/0/reasonCodes', 'review.reasons_not_allowed'],
        ['/decisions/1/needId', 'review.need_id'],
        ['/decisions/1/reasonCodes/0', 'review.reason_unknown'],
        ['/decisions/2/note', 'required'],
        ['/decisions/3/extra', 'unknown_field'],
      ]),
    );
    expect(errors.every((e) => e.message.zh && e.message.en)).toBe(true);
    const many = Array.from({ length: 201 }, (_, i) => ({ needId: `01JD${String(i).padStart(22, '0')}`, decision: 'recommend' }));
    expect(parseReviewDecisions({ decisions: many })).toMatchObject({ ok: false, errors: [{ pointer: '/decisions', code: 'review.decisions' }] });
    expect(parseReviewDecisions({ decisions: [{ needId: NEED_ID, decision: 'recommend' }, { needId: NEED_ID, decision: 'recommend' }] })).toMatchObject({
      ok: false,
      errors: [{ pointer: '/decisions/1/needId', code: 'review.duplicate' }],
    });
  });
});
