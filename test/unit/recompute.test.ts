// Audit mode: the county-day counters recomputed from need and referral records. Each path is built
// by a small simulation of the live writers — bank events through the real applyBankEvent, the
// store-level counters as routing-store writes them — so every case checks the hand-written
// expectation and that recompute agrees with what the live path counted.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseBankEvent } from '../../shared/domain/bank-events';
import { counterKey } from '../../shared/domain/counters';
import { needSubmissionSchema, type ValidNeed } from '../../shared/domain/need';
import { chinaDay, createNeedRecord, type NeedStatus, type TimelineEntry } from '../../shared/domain/need-record';
import { timelineEntry } from '../../shared/domain/timeline';
import { applyBankEvent } from '../../shared/domain/referral';
import {
  counterRowsFromItems,
  diffCounters,
  mergeCounterRows,
  recomputeCounters,
  recomputeCountersDetailed,
  splitItems,
  type NeedRecordWithExtras,
  type ReferralRecord,
} from '../../shared/domain/recompute';
import type { CounterRow } from '../../shared/domain/rollup';
import { validSubmission } from '../support/needs';

// ---------------------------------------------------------------------------------------------
// A simulation of the live writers

const validNeeds = new Map<string, ValidNeed>();
function validNeed(countyCode: string): ValidNeed {
  let need = validNeeds.get(countyCode);
  if (!need) {
    const body = validSubmission();
    body.enterprise.countyCode = countyCode;
    validNeeds.set(countyCode, (need = needSubmissionSchema.parse(body)));
  }
  return structuredClone(need);
}

type BankAnswer =
  | { type: 'referral.accepted' }
  | { type: 'referral.declined'; reasonCode: string }
  | { type: 'referral.granted'; amountYuan: number; annualRateBp: number; termMonths: number; loanType: string; firstLoan: boolean }
  | { type: 'referral.disbursed'; amountYuan: number; disbursedOn: string };

const FAILURE_NOTE = '处理出现故障，已通知县级工作专班 / Processing failed; the county task force has been told';

class Simulation {
  readonly needs = new Map<string, NeedRecordWithExtras>();
  readonly referrals = new Map<string, ReferralRecord>();
  /** What the live path ADDs, one row per write. */
  readonly live: CounterRow[] = [];
  /** Write failure entries as before timeline codes (a bilingual note). */
  constructor(private readonly legacyNotes = false) {}

  private count(countyCode: string, now: Date, counters: Record<string, number>): void {
    this.live.push({ day: chinaDay(now), countyCode, counters: { ...counters } });
  }

  private need(needId: string): NeedRecordWithExtras {
    const need = this.needs.get(needId);
    if (!need) throw new Error(`no need ${needId}`);
    return need;
  }

  private move(need: NeedRecordWithExtras, status: NeedStatus, now: Date, entry: TimelineEntry = { at: now.toISOString(), status, note: status }): void {
    need.status = status;
    need.updatedAt = now.toISOString();
    need.timeline.push(entry);
  }

  submit(needId: string, countyCode: string, now: Date): void {
    const record = createNeedRecord({ input: validNeed(countyCode), needId, now, trackingTokenHash: 'hash' });
    this.needs.set(needId, record);
    this.count(countyCode, now, { declared: 1 }); // keyed by submittedDay = chinaDay(now)
  }

  /** recordScreening: recommended when there are no reasons. */
  screen(needId: string, reasonCodes: string[], now: Date): void {
    const need = this.need(needId);
    const recommended = reasonCodes.length === 0;
    const counters: Record<string, number> = recommended ? { recommended: 1 } : { notRecommended: 1 };
    for (const code of reasonCodes) counters[`notRecommendedBy_${code.replace(/[^A-Za-z0-9_-]/g, '_')}`] = 1;
    this.move(need, 'screening', now);
    this.move(need, recommended ? 'recommended' : 'not_recommended', now);
    need.screening = { recommended, reasons: reasonCodes.map((code) => ({ code, criterion: 'x' })), at: now.toISOString() };
    this.count(need.enterprise.countyCode, now, counters);
  }

  /** nextBankStep + createReferral. */
  offer(needId: string, referralId: string, bankId: string, now: Date): void {
    const need = this.need(needId);
    this.referrals.set(referralId, {
      referralId,
      needId,
      bankId,
      bankNameZh: `银行${bankId}`,
      bankNameEn: `Bank ${bankId}`,
      productId: 'sme-loan',
      countyCode: need.enterprise.countyCode,
      stage: 'offered',
      offeredAt: now.toISOString(),
      deadline: new Date(now.getTime() + 3 * 86_400_000).toISOString(),
      decideWithinDays: 7,
      explanation: [],
    });
    need.referralIds = [...(need.referralIds ?? []), referralId];
    this.move(need, 'offered', now);
    this.count(need.enterprise.countyCode, now, { offers: 1, [counterKey('offers', bankId)]: 1 });
  }

  /** The bank-webhook handler: applyBankEvent, then applyTransition or recordLateAnswer. */
  answer(referralId: string, answer: BankAnswer, now: Date): 'applied' | 'late' | 'conflict' {
    const referral = this.referrals.get(referralId)!;
    const need = this.need(referral.needId);
    const { type, ...data } = answer;
    const parsed = parseBankEvent({ type, timestamp: now.toISOString(), data: { referralId, ...data } });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const outcome = applyBankEvent(referral, parsed.event, 3600, now);
    if (outcome.kind === 'conflict') return 'conflict';
    if (outcome.kind === 'late') {
      referral.lateAnswers = [...(referral.lateAnswers ?? []), { at: now.toISOString(), event: parsed.event }];
      this.count(need.enterprise.countyCode, now, outcome.counters);
      return 'late';
    }
    const { transition } = outcome;
    Object.assign(referral, transition.referralUpdate, { stage: transition.toStage, updatedAt: now.toISOString() });
    if (transition.toStage === 'accepted') referral.acceptedAt = now.toISOString();
    if (transition.toStage === 'granted' || transition.toStage === 'declined') referral.decidedAt = now.toISOString();
    this.move(need, transition.needStatus, now, transition.timelineEntry);
    this.count(need.enterprise.countyCode, now, transition.counters);
    return 'applied';
  }

  /**
   * bank-webhook when the answer is applied but the workflow's wait has just timed out (resume →
   * 'expired'): the transition, then recordLateAnswer(…, { lateAnswers: 1 }) at the same instant.
   */
  answerAsWaitTimesOut(referralId: string, answer: BankAnswer, now: Date): void {
    expect(this.answer(referralId, answer, now)).toBe('applied');
    const referral = this.referrals.get(referralId)!;
    referral.lateAnswers = [...(referral.lateAnswers ?? []), { at: now.toISOString(), event: answer }];
    this.count(referral.countyCode, now, { lateAnswers: 1, [`lateAnswersBy_${referral.bankId}`]: 1 });
  }

  /** expireReferral. */
  expire(referralId: string, stage: 'offer' | 'decision', now: Date): void {
    const referral = this.referrals.get(referralId)!;
    if (referral.stage !== 'offered' && referral.stage !== 'accepted') return;
    const need = this.need(referral.needId);
    Object.assign(referral, { stage: 'expired', expiredAt: now.toISOString(), missedDeadline: stage });
    this.move(need, 'recommended', now);
    this.count(need.enterprise.countyCode, now, { deadlinesMissed: 1, [counterKey('deadlinesMissed', referral.bankId)]: 1 });
  }

  /** escalate. */
  escalate(needId: string, now: Date): void {
    const need = this.need(needId);
    if (need.status === 'unmatched') return;
    this.move(need, 'unmatched', now);
    this.count(need.enterprise.countyCode, now, { unmatched: 1 });
  }

  /** recordFailure. */
  fail(needId: string, error: string, now: Date): void {
    const need = this.need(needId);
    this.move(need, need.status, now, this.legacyNotes ? { at: now.toISOString(), status: need.status, note: FAILURE_NOTE } : timelineEntry('routing_failed', now.toISOString(), need.status));
    need.routingFailure = { error, at: now.toISOString() };
    this.count(need.enterprise.countyCode, now, { routingFailures: 1 });
  }

  input() {
    return { needs: [...this.needs.values()], referrals: [...this.referrals.values()] };
  }

  /** The items a Scan of the needs table returns (with keys, and items of other types). */
  items(): Record<string, unknown>[] {
    return [
      ...[...this.needs.values()].map((n) => ({ pk: `NEED#${n.needId}`, sk: 'NEED', gsi1pk: `COUNTY#${n.enterprise.countyCode}`, gsi1sk: 'x', itemType: 'need', ...n })),
      ...[...this.referrals.values()].map((r) => ({ pk: `REFERRAL#${r.referralId}`, sk: 'REFERRAL', itemType: 'referral', ...r })),
      { pk: 'CREDITCODE#91330106MA2XXXXXX1', sk: 'OPEN_NEED', itemType: 'open-need-claim', needId: 'n1' },
      { pk: 'BANKS', sk: 'BANK#icbc-hz', itemType: 'bank', openReferrals: 1 },
      { pk: 'AUDIT#n1', sk: '2026-11-02T01:00:00.000Z#disclosure', itemType: 'audit' },
    ];
  }
}

const t = (iso: string) => new Date(iso);
const rowsOf = (rows: CounterRow[]) => Object.fromEntries(rows.map((r) => [`${r.day} ${r.countyCode}`, r.counters]));

/** The recompute equals the hand-written rows and agrees with the live path. */
function expectRecompute(sim: Simulation, expected: Record<string, Record<string, number>>) {
  const { rows, gaps } = recomputeCountersDetailed(sim.input());
  expect(rowsOf(rows)).toEqual(expected);
  expect(gaps).toEqual([]);
  expect(diffCounters(sim.live, rows)).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// Paths

describe('recomputeCounters: one need per path, on the CST day of each event', () => {
  it('granted at the first bank: offer → accept → grant → disburse (disbursed on the day the event arrived)', () => {
    const sim = new Simulation();
    sim.submit('n1', '330106', t('2026-11-02T01:00:00Z'));
    sim.screen('n1', [], t('2026-11-02T01:00:05Z'));
    sim.offer('n1', 'r1', 'icbc-hz', t('2026-11-02T01:00:10Z'));
    expect(sim.answer('r1', { type: 'referral.accepted' }, t('2026-11-03T17:00:00Z'))).toBe('applied'); // CST 11-04 01:00
    sim.answer('r1', { type: 'referral.granted', amountYuan: 500_000, annualRateBp: 385, termMonths: 24, loanType: 'credit', firstLoan: true }, t('2026-11-09T02:00:00Z'));
    // The bank reports the value date 11-10; the event arrives at CST 11-11 00:30.
    sim.answer('r1', { type: 'referral.disbursed', amountYuan: 480_000, disbursedOn: '2026-11-10' }, t('2026-11-10T16:30:00Z'));

    expectRecompute(sim, {
      '2026-11-02 330106': { declared: 1, recommended: 1, offers: 1, 'offersBy_icbc-hz': 1 },
      '2026-11-04 330106': { accepted: 1, 'acceptedBy_icbc-hz': 1, 'answerDaysBucketBy_icbc-hz_2': 1 },
      '2026-11-09 330106': {
        granted: 1,
        grantedAmountYuan: 500_000,
        'grantedAtBankBy_icbc-hz': 1,
        'grantedAmountYuanAtBankBy_icbc-hz': 500_000,
        grantedRateBpSum: 385,
        grantedRateBpAmountSum: 385 * 500_000,
        creditLoans: 1,
        creditLoanAmountYuan: 500_000,
        firstLoans: 1,
        mediumLongTermLoans: 1,
        decisionDaysBucket_7: 1,
      },
      '2026-11-11 330106': { disbursed: 1, disbursedAmountYuan: 480_000 },
    });
  });

  it('declined at the offer by the first bank (repairable), granted by the second', () => {
    const sim = new Simulation();
    sim.submit('n2', '440305', t('2026-11-05T02:00:00Z'));
    sim.screen('n2', [], t('2026-11-05T02:00:01Z'));
    sim.offer('n2', 'r2a', 'ccb-gd', t('2026-11-05T02:00:02Z'));
    sim.answer('r2a', { type: 'referral.declined', reasonCode: 'tax_arrears' }, t('2026-11-06T03:00:00Z'));
    sim.offer('n2', 'r2b', 'boc-sz', t('2026-11-06T03:00:05Z'));
    sim.answer('r2b', { type: 'referral.accepted' }, t('2026-11-06T05:00:00Z'));
    sim.answer('r2b', { type: 'referral.granted', amountYuan: 200_000, annualRateBp: 420, termMonths: 12, loanType: 'collateral', firstLoan: false }, t('2026-11-08T02:00:00Z'));

    expectRecompute(sim, {
      '2026-11-05 440305': { declared: 1, recommended: 1, offers: 1, 'offersBy_ccb-gd': 1 },
      '2026-11-06 440305': {
        declined: 1,
        declinedBy_tax_arrears: 1,
        'declinedAtBankBy_ccb-gd': 1,
        declinedRepairable: 1,
        'answerDaysBucketBy_ccb-gd_1': 1, // declining an offer answers it
        offers: 1,
        'offersBy_boc-sz': 1,
        accepted: 1,
        'acceptedBy_boc-sz': 1,
        'answerDaysBucketBy_boc-sz_0': 1,
      },
      '2026-11-08 440305': {
        granted: 1,
        grantedAmountYuan: 200_000,
        'grantedAtBankBy_boc-sz': 1,
        'grantedAmountYuanAtBankBy_boc-sz': 200_000,
        grantedRateBpSum: 420,
        grantedRateBpAmountSum: 420 * 200_000,
        decisionDaysBucket_2: 1, // a 12-month collateral loan: no credit, first or medium-long-term counters
      },
    });
  });

  it('a silent bank misses its deadline and answers late; the next bank accepts then declines (a decision); unmatched', () => {
    const sim = new Simulation();
    sim.submit('n3', '110105', t('2026-11-10T01:00:00Z'));
    sim.screen('n3', [], t('2026-11-10T01:00:01Z'));
    sim.offer('n3', 'r3a', 'silent-bank', t('2026-11-10T01:00:02Z'));
    sim.expire('r3a', 'offer', t('2026-11-12T01:00:00Z'));
    sim.offer('n3', 'r3b', 'backup-bank', t('2026-11-12T01:00:01Z'));
    expect(sim.answer('r3a', { type: 'referral.accepted' }, t('2026-11-12T20:00:00Z'))).toBe('late'); // CST 11-13 04:00
    sim.answer('r3b', { type: 'referral.accepted' }, t('2026-11-13T01:00:00Z'));
    sim.answer('r3b', { type: 'referral.declined', reasonCode: 'over_indebted' }, t('2026-11-16T01:00:00Z'));
    sim.escalate('n3', t('2026-11-16T01:00:05Z'));

    expectRecompute(sim, {
      '2026-11-10 110105': { declared: 1, recommended: 1, offers: 1, 'offersBy_silent-bank': 1 },
      '2026-11-12 110105': { deadlinesMissed: 1, 'deadlinesMissedBy_silent-bank': 1, offers: 1, 'offersBy_backup-bank': 1 },
      '2026-11-13 110105': { lateAnswers: 1, 'lateAnswersBy_silent-bank': 1, accepted: 1, 'acceptedBy_backup-bank': 1, 'answerDaysBucketBy_backup-bank_1': 1 },
      '2026-11-16 110105': {
        declined: 1,
        declinedBy_over_indebted: 1,
        'declinedAtBankBy_backup-bank': 1,
        decisionDaysBucket_4: 1, // declined after acceptance: the credit decision, not repairable
        unmatched: 1,
      },
    });
  });

  it('unmatched when no bank fits, and a routing failure recorded on the need', () => {
    const sim = new Simulation();
    sim.submit('n4', '469001', t('2026-11-20T15:59:59Z')); // CST 11-20 23:59:59
    sim.screen('n4', [], t('2026-11-20T16:00:00Z')); // CST 11-21 00:00
    sim.escalate('n4', t('2026-11-20T16:00:01Z'));
    sim.escalate('n4', t('2026-11-20T16:00:02Z')); // a retried step changes nothing
    sim.submit('n5', '469001', t('2026-11-21T02:00:00Z'));
    sim.fail('n5', '{"Error":"States.TaskFailed"}', t('2026-11-21T02:05:00Z'));

    expectRecompute(sim, {
      '2026-11-20 469001': { declared: 1 },
      '2026-11-21 469001': { recommended: 1, unmatched: 1, declared: 1, routingFailures: 1 },
    });
  });

  for (const legacyNotes of [false, true]) {
    it(`a routing failure on an unmatched need is not another unmatched (${legacyNotes ? 'a note from before codes' : 'a coded entry'})`, () => {
      const sim = new Simulation(legacyNotes);
      sim.submit('n8', '469001', t('2026-11-21T02:00:00Z'));
      sim.screen('n8', [], t('2026-11-21T02:00:01Z'));
      sim.escalate('n8', t('2026-11-21T02:00:02Z'));
      sim.fail('n8', 'boom', t('2026-11-21T02:05:00Z'));
      expectRecompute(sim, { '2026-11-21 469001': { recommended: 1, unmatched: 1, declared: 1, routingFailures: 1 } });
    });
  }

  it('not recommended: every reason once, sanitised as routing-store writes it', () => {
    const sim = new Simulation();
    sim.submit('n6', '420106', t('2026-11-25T01:00:00Z'));
    sim.screen('n6', ['negative_list.dishonest_judgment_debtor', 'size_not_eligible'], t('2026-11-25T01:00:01Z'));
    sim.submit('n7', '420106', t('2026-11-25T02:00:00Z'));
    sim.screen('n7', ['size_not_eligible'], t('2026-11-25T02:00:01Z'));

    expectRecompute(sim, {
      '2026-11-25 420106': {
        declared: 2,
        notRecommended: 2,
        notRecommendedBy_negative_list_dishonest_judgment_debtor: 1,
        notRecommendedBy_size_not_eligible: 2,
      },
    });
  });

  it('a decision deadline missed after acceptance, with an answer that arrives late', () => {
    const sim = new Simulation();
    sim.submit('n8', '330106', t('2026-11-02T01:00:00Z'));
    sim.screen('n8', [], t('2026-11-02T01:00:01Z'));
    sim.offer('n8', 'r8', 'icbc-hz', t('2026-11-02T01:00:02Z'));
    sim.answer('r8', { type: 'referral.accepted' }, t('2026-11-02T03:00:00Z'));
    sim.expire('r8', 'decision', t('2026-11-09T03:00:00Z'));
    expect(sim.answer('r8', { type: 'referral.granted', amountYuan: 100_000, annualRateBp: 350, termMonths: 12, loanType: 'credit', firstLoan: false }, t('2026-11-10T03:00:00Z'))).toBe('late');

    expectRecompute(sim, {
      '2026-11-02 330106': { declared: 1, recommended: 1, offers: 1, 'offersBy_icbc-hz': 1, accepted: 1, 'acceptedBy_icbc-hz': 1, 'answerDaysBucketBy_icbc-hz_0': 1 },
      '2026-11-09 330106': { deadlinesMissed: 1, 'deadlinesMissedBy_icbc-hz': 1 },
      '2026-11-10 330106': { lateAnswers: 1, 'lateAnswersBy_icbc-hz': 1 },
    });
  });

  it('an answer applied as the wait timed out: counted as the answer, and late (with its bank); then expired', () => {
    const sim = new Simulation();
    sim.submit('n9', '330106', t('2026-11-02T01:00:00Z'));
    sim.screen('n9', [], t('2026-11-02T01:00:01Z'));
    sim.offer('n9', 'r9', 'icbc-hz', t('2026-11-02T01:00:02Z'));
    sim.answerAsWaitTimesOut('r9', { type: 'referral.accepted' }, t('2026-11-05T01:00:00Z'));
    sim.expire('r9', 'offer', t('2026-11-05T01:00:01Z')); // the timed-out wait's deadline step: stage accepted → expired

    expectRecompute(sim, {
      '2026-11-02 330106': { declared: 1, recommended: 1, offers: 1, 'offersBy_icbc-hz': 1 },
      '2026-11-05 330106': { accepted: 1, 'acceptedBy_icbc-hz': 1, 'answerDaysBucketBy_icbc-hz_3': 1, lateAnswers: 1, 'lateAnswersBy_icbc-hz': 1, deadlinesMissed: 1, 'deadlinesMissedBy_icbc-hz': 1 },
    });
  });

  it('takes a Scan of the needs table as it comes (splitItems), keys and other item types left out', () => {
    const sim = new Simulation();
    sim.submit('n1', '330106', t('2026-11-02T01:00:00Z'));
    sim.screen('n1', [], t('2026-11-02T01:00:05Z'));
    sim.offer('n1', 'r1', 'icbc-hz', t('2026-11-02T01:00:10Z'));
    const { needs, referrals } = splitItems(sim.items());
    expect(needs.map((n) => n.needId)).toEqual(['n1']);
    expect(referrals.map((r) => r.referralId)).toEqual(['r1']);
    for (const item of [...needs, ...referrals]) for (const key of ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'itemType']) expect(item).not.toHaveProperty(key);
    expect(recomputeCounters({ needs, referrals })).toEqual(recomputeCounters(sim.input()));

    // Without itemType, by key.
    const untyped = sim.items().map(({ itemType: _type, ...rest }) => rest);
    expect(splitItems(untyped).needs).toHaveLength(1);
    expect(splitItems(untyped).referrals).toHaveLength(1);
  });
});

describe('gaps: what the records cannot say', () => {
  const base = (): ReferralRecord => ({
    referralId: 'g1',
    needId: 'n',
    bankId: 'icbc-hz',
    bankNameZh: '',
    bankNameEn: '',
    productId: 'p',
    countyCode: '330106',
    stage: 'offered',
    offeredAt: '2026-11-02T01:00:00.000Z',
    deadline: '2026-11-05T01:00:00.000Z',
    decideWithinDays: 7,
    explanation: [],
  });

  it('a stage without its instant is listed, not counted', () => {
    const { rows, gaps } = recomputeCountersDetailed({ needs: [], referrals: [{ ...base(), stage: 'accepted' }, { ...base(), referralId: 'g2', stage: 'expired' }] });
    expect(rowsOf(rows)).toEqual({ '2026-11-02 330106': { offers: 2, 'offersBy_icbc-hz': 2 } });
    expect(gaps.map((g) => [g.kind, g.id, g.field])).toEqual([
      ['missing_timestamp', 'g1', 'acceptedAt'],
      ['missing_timestamp', 'g2', 'expiredAt'],
    ]);
  });

  it('a disbursement without disbursedAt or updatedAt is counted on the bank’s value date, and listed', () => {
    const referral: ReferralRecord = {
      ...base(),
      stage: 'disbursed',
      acceptedAt: '2026-11-02T02:00:00.000Z',
      decidedAt: '2026-11-03T02:00:00.000Z',
      grant: { amountYuan: 10_000, annualRateBp: 400, termMonths: 6, loanType: 'pledge', firstLoan: false },
      disbursement: { amountYuan: 10_000, disbursedOn: '2026-11-04' },
    };
    const { rows, gaps } = recomputeCountersDetailed({ needs: [], referrals: [referral] });
    expect(rowsOf(rows)['2026-11-04 330106']).toEqual({ disbursed: 1, disbursedAmountYuan: 10_000 });
    expect(gaps).toMatchObject([{ kind: 'disbursed_day_approximated', id: 'g1', field: 'disbursedAt' }]);
    // With the proposed disbursedAt (or the referral's updatedAt), the event's own day.
    const exact = recomputeCountersDetailed({ needs: [], referrals: [{ ...referral, disbursedAt: '2026-11-05T16:00:00.000Z' }] });
    expect(rowsOf(exact.rows)['2026-11-06 330106']).toEqual({ disbursed: 1, disbursedAmountYuan: 10_000 });
    expect(exact.gaps).toEqual([]);
  });

  it('a screening that ran twice (a raced retry) is listed: live counted both runs', () => {
    const sim = new Simulation();
    sim.submit('n1', '330106', t('2026-11-02T01:00:00Z'));
    sim.screen('n1', [], t('2026-11-02T01:00:05Z'));
    sim.needs.get('n1')!.status = 'submitted'; // both runs read `submitted`
    sim.screen('n1', [], t('2026-11-02T01:00:06Z'));
    const { gaps } = recomputeCountersDetailed(sim.input());
    expect(gaps).toMatchObject([{ kind: 'repeated_screening', id: 'n1' }]);
    expect(diffCounters(sim.live, recomputeCounters(sim.input()))).toEqual([
      { day: '2026-11-02', countyCode: '330106', counter: 'recommended', live: 2, recomputed: 1 },
    ]);
  });
});

describe('diffCounters', () => {
  it('lists differing counters by day, county and counter; zero equals missing; rows are summed; updatedAt is ignored', () => {
    const live: CounterRow[] = [
      { day: '2026-11-02', countyCode: '330106', counters: { declared: 2, offers: 0, updatedAt: '2026-11-02T01:00:00Z' as unknown as number } },
      { day: '2026-11-02', countyCode: '330106', counters: { declared: 1 } },
      { day: '2026-11-01', countyCode: '110105', counters: { unmatched: 0 } },
      { day: '2026-11-03', countyCode: '110105', counters: { granted: 1 } },
    ];
    const recomputed: CounterRow[] = [
      { day: '2026-11-02', countyCode: '330106', counters: { declared: 3, accepted: 1 } },
      { day: '2026-11-01', countyCode: '110105', counters: {} },
    ];
    expect(diffCounters(live, recomputed)).toEqual([
      { day: '2026-11-02', countyCode: '330106', counter: 'accepted', live: 0, recomputed: 1 },
      { day: '2026-11-03', countyCode: '110105', counter: 'granted', live: 1, recomputed: 0 },
    ]);
    expect(diffCounters(recomputed, recomputed)).toEqual([]);
  });

  it('takes items of the counters table as they come (counterRowsFromItems)', () => {
    const items = [{ day: '2026-11-02', countyCode: '330106', declared: 2, 'offersBy_icbc-hz': 1, updatedAt: '2026-11-02T01:00:00.000Z' }];
    expect(counterRowsFromItems(items)).toEqual([{ day: '2026-11-02', countyCode: '330106', counters: { declared: 2, 'offersBy_icbc-hz': 1 } }]);
    expect(() => counterRowsFromItems([{ day: '2026-11-02', countyCode: '330106', declared: '2' }])).toThrow(TypeError);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const COUNTIES = ['330106', '440305', '110105', '469001'];
const BANKS = ['icbc-hz', 'ccb-gd', 'boc-sz'];
const START = Date.parse('2026-10-30T00:00:00Z');

type Step = 'grant' | 'grantDisburse' | 'declineOffer' | 'acceptDecline' | 'expireOffer' | 'expireOfferLate' | 'acceptExpire' | 'acceptAsWaitTimesOut';

const needScript = fc.record({
  county: fc.constantFrom(...COUNTIES),
  startMinutes: fc.integer({ min: 0, max: 60 * 24 * 20 }),
  reasons: fc.constantFrom<string[]>([], [], [], ['size_not_eligible'], ['negative_list.tax_arrears', 'size_not_eligible']),
  steps: fc.array(fc.constantFrom<Step>('grant', 'grantDisburse', 'declineOffer', 'acceptDecline', 'expireOffer', 'expireOfferLate', 'acceptExpire', 'acceptAsWaitTimesOut'), { maxLength: 3 }),
  gapsMinutes: fc.array(fc.integer({ min: 0, max: 60 * 60 }), { minLength: 12, maxLength: 12 }),
  failure: fc.boolean(),
});

type NeedScript = typeof needScript extends fc.Arbitrary<infer S> ? S : never;

function simulate(scripts: NeedScript[]): Simulation {
  const sim = new Simulation();
  scripts.forEach((s, i) => {
    const needId = `n${i}`;
    let clock = START + s.startMinutes * 60_000;
    let g = 0;
    const next = () => new Date((clock += (s.gapsMinutes[g++ % s.gapsMinutes.length]! + 1) * 60_000));
    sim.submit(needId, s.county, new Date(clock));
    sim.screen(needId, s.reasons, next());
    if (s.reasons.length === 0) {
      let granted = false;
      s.steps.forEach((step, k) => {
        if (granted) return;
        const referralId = `${needId}r${k}`;
        sim.offer(needId, referralId, BANKS[k]!, next());
        const grant = { type: 'referral.granted' as const, amountYuan: 100_000 * (k + 1), annualRateBp: 300 + k, termMonths: 6 + 12 * k, loanType: k ? 'collateral' : 'credit', firstLoan: k === 0 };
        switch (step) {
          case 'grant':
          case 'grantDisburse':
            sim.answer(referralId, { type: 'referral.accepted' }, next());
            sim.answer(referralId, grant, next());
            if (step === 'grantDisburse') sim.answer(referralId, { type: 'referral.disbursed', amountYuan: 90_000, disbursedOn: '2026-11-01' }, next());
            granted = true;
            break;
          case 'declineOffer':
            sim.answer(referralId, { type: 'referral.declined', reasonCode: k ? 'tax_arrears' : 'over_indebted' }, next());
            break;
          case 'acceptDecline':
            sim.answer(referralId, { type: 'referral.accepted' }, next());
            sim.answer(referralId, { type: 'referral.declined', reasonCode: 'guarantor_needed' }, next());
            break;
          case 'expireOffer':
          case 'expireOfferLate':
            sim.expire(referralId, 'offer', next());
            if (step === 'expireOfferLate') sim.answer(referralId, { type: 'referral.declined', reasonCode: 'product_mismatch' }, next());
            break;
          case 'acceptExpire':
            sim.answer(referralId, { type: 'referral.accepted' }, next());
            sim.expire(referralId, 'decision', next());
            break;
          case 'acceptAsWaitTimesOut':
            sim.answerAsWaitTimesOut(referralId, { type: 'referral.accepted' }, next());
            sim.expire(referralId, 'offer', next());
            break;
        }
      });
      if (!granted) sim.escalate(needId, next());
    }
    if (s.failure) sim.fail(needId, 'boom', next());
  });
  return sim;
}

describe('recompute properties', () => {
  it('agrees with the live path on generated needs (every path, day boundaries included)', () => {
    fc.assert(
      fc.property(fc.array(needScript, { maxLength: 12 }), (scripts) => {
        const sim = simulate(scripts);
        const { rows, gaps } = recomputeCountersDetailed(sim.input());
        expect(gaps).toEqual([]);
        expect(diffCounters(sim.live, rows)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('is additive: recompute(A ∪ B) = recompute(A) + recompute(B), for any split of the items', () => {
    fc.assert(
      fc.property(fc.array(needScript, { minLength: 1, maxLength: 10 }), fc.infiniteStream(fc.boolean()), (scripts, coin) => {
        const { needs, referrals } = simulate(scripts).input();
        const a = { needs: [] as typeof needs, referrals: [] as typeof referrals };
        const b = { needs: [] as typeof needs, referrals: [] as typeof referrals };
        const flips = coin[Symbol.iterator]();
        for (const need of needs) (flips.next().value ? a : b).needs.push(need);
        for (const referral of referrals) (flips.next().value ? a : b).referrals.push(referral);
        const whole = recomputeCounters({ needs, referrals });
        expect(mergeCounterRows(recomputeCounters(a), recomputeCounters(b))).toEqual(whole);
        // …and the order of the items does not matter.
        expect(recomputeCounters({ needs: [...needs].reverse(), referrals: [...referrals].reverse() })).toEqual(whole);
      }),
      { numRuns: 150 },
    );
  });
});
