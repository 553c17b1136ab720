import { describe, expect, it } from 'vitest';
import {
  amendmentPlan,
  amendNeed,
  applyAmendment,
  MAX_AMENDMENTS,
  NEED_AMENDED_ERROR,
  NEED_WITHDRAWN_ERROR,
  needAmendmentSchema,
  needIdOfExecution,
  routingExecutionName,
  withdrawalPlan,
  withdrawNeed,
  type AmendmentWrite,
  type ChangeableNeed,
  type NeedChangeStore,
} from '../../shared/domain/need-changes';
import { needActions } from '../../shared/domain/need-actions';
import { needSubmissionSchema } from '../../shared/domain/need';
import { createNeedRecord, type NeedStatus } from '../../shared/domain/need-record';
import type { Referral } from '../../shared/domain/referral';
import type { NeedConsent } from '../../shared/domain/consent';
import { timelineEntry } from '../../shared/domain/timeline';
import { validSubmission } from '../support/needs';

const now = new Date('2026-11-20T02:00:00Z');
const bank = { zh: '测试银行', en: 'Test Bank' };

function need(status: NeedStatus, extra: Partial<ChangeableNeed> = {}): ChangeableNeed {
  const record = createNeedRecord({ input: needSubmissionSchema.parse(validSubmission()), needId: '01JDZ8Q8Y3M3B3X9N7W1V2C4D5', now, trackingTokenHash: 'hash' });
  return { ...record, status, ...extra };
}

function referral(stage: Referral['stage'], extra: Partial<Referral> = {}): Referral {
  return {
    referralId: `r-${stage}-${Math.random()}`,
    needId: '01JDZ8Q8Y3M3B3X9N7W1V2C4D5',
    bankId: 'b1',
    bankNameZh: bank.zh,
    bankNameEn: bank.en,
    productId: 'p',
    countyCode: '330106',
    stage,
    offeredAt: now.toISOString(),
    deadline: now.toISOString(),
    decideWithinDays: 30,
    explanation: [],
    ...extra,
  };
}

const repairable = () => referral('declined', { decline: { reasonCode: 'tax_arrears', repairable: true } });
const waiting = () => referral('offered', { taskToken: 'token-1', waitingFor: 'offer' });

describe('the amendment body', () => {
  it('takes only the amendable fields, in the submission’s shape, each validated as on the form', () => {
    expect(needAmendmentSchema.safeParse({ need: { amountYuan: 300_000 } }).success).toBe(true);
    expect(needAmendmentSchema.safeParse({ enterprise: { hasFixedPremises: true } }).success).toBe(true);
    expect(needAmendmentSchema.safeParse({ need: { amountYuan: 10 } }).success).toBe(false);
    expect(needAmendmentSchema.safeParse({ need: { firstLoan: true } }).success).toBe(false);
    expect(needAmendmentSchema.safeParse({ enterprise: { name: 'x' } }).success).toBe(false);
    expect(needAmendmentSchema.safeParse({ contact: { mobile: '13800138000' } }).success).toBe(false);
  });

  it('lists the fields that change, by JSON pointer', () => {
    const n = need('not_recommended');
    const applied = applyAmendment(n, { need: { amountYuan: n.need.amountYuan + 1, termMonths: n.need.termMonths }, enterprise: { hasFixedPremises: !n.enterprise.hasFixedPremises } });
    expect(applied.changed).toEqual(['/need/amountYuan', '/enterprise/hasFixedPremises']);
    expect(applied.need.amountYuan).toBe(n.need.amountYuan + 1);
    expect(applyAmendment(n, { need: { amountYuan: n.need.amountYuan } }).changed).toEqual([]);
  });
});

describe('when a need can be amended', () => {
  it('after a non-recommendation or no match: routed again in a new round', () => {
    expect(amendmentPlan(need('not_recommended'), [])).toEqual({ kind: 'restart', round: 1 });
    expect(amendmentPlan(need('unmatched', { routingRound: 2 }), [])).toEqual({ kind: 'restart', round: 3 });
  });

  it('while offered to a bank after another declined for a repairable reason: that offer is withdrawn', () => {
    const open = waiting();
    expect(amendmentPlan(need('offered'), [repairable(), open])).toEqual({ kind: 'retract', referral: open });
  });

  it('not after a decline that cannot be put right, nor while a bank decides, nor once granted or withdrawn', () => {
    const notRepairable = referral('declined', { decline: { reasonCode: 'fraud_suspected', repairable: false } });
    expect(amendmentPlan(need('offered'), [notRepairable, waiting()])).toEqual({ kind: 'refused', reason: 'not_amendable' });
    expect(amendmentPlan(need('offered'), [waiting()])).toEqual({ kind: 'refused', reason: 'not_amendable' });
    expect(amendmentPlan(need('accepted'), [repairable(), referral('accepted')])).toEqual({ kind: 'refused', reason: 'bank_deciding' });
    expect(amendmentPlan(need('granted'), [])).toEqual({ kind: 'refused', reason: 'closed' });
    expect(amendmentPlan(need('withdrawn'), [])).toEqual({ kind: 'refused', reason: 'withdrawn' });
    expect(amendmentPlan(need('unmatched', { routingRound: MAX_AMENDMENTS }), [])).toEqual({ kind: 'refused', reason: 'too_many_amendments' });
  });

  it('asks to retry shortly while the workflow is between steps (no wait to end yet, or an answer pending)', () => {
    expect(amendmentPlan(need('recommended'), [repairable()])).toEqual({ kind: 'refused', reason: 'busy' });
    expect(amendmentPlan(need('offered'), [repairable(), referral('offered')])).toEqual({ kind: 'refused', reason: 'busy' });
    expect(amendmentPlan(need('offered'), [repairable(), { ...waiting(), resumePending: true }])).toEqual({ kind: 'refused', reason: 'busy' });
  });

  it('the status page offers the same from the timeline', () => {
    const declined = timelineEntry('declined', now.toISOString(), 'recommended', { bank, reasonCode: 'tax_arrears', repairable: true });
    const offered = timelineEntry('offered', now.toISOString(), 'offered');
    expect(needActions(need('not_recommended'))).toEqual({ amend: true, withdraw: true });
    expect(needActions({ status: 'offered', timeline: [declined, offered] })).toEqual({ amend: true, withdraw: true });
    // An amendment since the decline: this round has had no repairable decline.
    expect(needActions({ status: 'offered', timeline: [declined, timelineEntry('amended', now.toISOString(), 'submitted', { fields: ['/need/amountYuan'] }), offered] }).amend).toBe(false);
    expect(needActions(need('accepted'))).toEqual({ amend: false, withdraw: true });
    expect(needActions(need('granted'))).toEqual({ amend: false, withdraw: false });
    expect(needActions(need('withdrawn'))).toEqual({ amend: false, withdraw: false });
  });
});

describe('withdrawal', () => {
  it('withdraws an open or closed need, with the referral a bank holds and the personal fields to erase', () => {
    const open = referral('accepted', { taskToken: 't' });
    expect(withdrawalPlan(need('accepted'), [referral('declined'), open])).toEqual({ kind: 'withdraw', referral: open, erase: ['contact.name', 'contact.mobile', 'need.description'] });
    expect(withdrawalPlan(need('unmatched'), [])).toEqual({ kind: 'withdraw', erase: ['contact.name', 'contact.mobile', 'need.description'] });
    expect(withdrawalPlan(need('unmatched', { personalDataErasedAt: now.toISOString() }), [])).toEqual({ kind: 'withdraw', erase: [] });
  });

  it('answers a repeat as done, and refuses after a grant', () => {
    expect(withdrawalPlan(need('withdrawn'), [])).toEqual({ kind: 'done' });
    expect(withdrawalPlan(need('granted'), [])).toEqual({ kind: 'refused', reason: 'closed' });
    expect(withdrawalPlan(need('disbursed'), [])).toEqual({ kind: 'refused', reason: 'closed' });
  });
});

describe('execution names', () => {
  it('name the first round by the need id and later rounds apart, and lead back to the need', () => {
    expect(routingExecutionName({ needId: 'N1' })).toBe('N1');
    expect(routingExecutionName({ needId: 'N1', routingRound: 2 })).toBe('N1-a2');
    expect(needIdOfExecution('N1-a2')).toBe('N1');
    expect(needIdOfExecution('N1')).toBe('N1');
  });
});

/** An in-memory store whose writes can be made to lose a race once. */
class MemoryStore implements NeedChangeStore {
  amendments: AmendmentWrite[] = [];
  withdrawals: { referral?: Referral; erase: readonly string[] }[] = [];
  raceOnce = false;
  constructor(
    public current: ChangeableNeed,
    public referrals: Referral[] = [],
  ) {}
  async getNeed() {
    return structuredClone(this.current);
  }
  async getReferral(id: string) {
    return this.referrals.find((r) => r.referralId === id);
  }
  async amend(_need: ChangeableNeed, change: AmendmentWrite) {
    if (this.raceOnce) {
      this.raceOnce = false;
      this.current = { ...this.current, status: 'unmatched' };
      return 'condition_failed' as const;
    }
    this.amendments.push(change);
    this.current = { ...this.current, status: 'submitted', need: change.need, routingRound: change.round };
    return 'written' as const;
  }
  consents: NeedConsent[] = [];
  async recordConsent(_need: ChangeableNeed, consent: NeedConsent) {
    this.consents.push(consent);
    this.current = { ...this.current, consent };
    return 'written' as const;
  }
  async withdraw(_need: ChangeableNeed, referral: Referral | undefined, erase: readonly string[]) {
    this.withdrawals.push({ ...(referral ? { referral } : {}), erase });
    this.current = { ...this.current, status: 'withdrawn' };
    return 'written' as const;
  }
}

const SERVING = [
  { bankId: 'b1', nameZh: '测试银行', nameEn: 'Test Bank' },
  { bankId: 'b2', nameZh: '新银行', nameEn: 'New Bank' },
];
const serving = async () => SERVING;

function workflow() {
  const calls: string[] = [];
  return {
    calls,
    fail: async (token: string, error: string) => (calls.push(`fail ${token} ${error}`), 'resumed' as const),
    start: async (needId: string, name: string) => (calls.push(`start ${needId} ${name}`), 'started' as const),
  };
}

describe('amendNeed and withdrawNeed', () => {
  it('an amendment after no match writes the change and starts the next round', async () => {
    const store = new MemoryStore(need('unmatched'));
    const flow = workflow();
    const outcome = await amendNeed({ store, workflow: flow, servingBanks: serving }, store.current.needId, { need: { amountYuan: 300_000 } }, now);
    expect(outcome).toMatchObject({ kind: 'changed', need: { status: 'submitted', routingRound: 1 } });
    expect(store.amendments).toEqual([expect.objectContaining({ changed: ['/need/amountYuan'], round: 1 })]);
    expect(flow.calls).toEqual([`start ${store.current.needId} ${store.current.needId}-a1`]);
  });

  it('an amendment during an offer after a repairable decline ends that wait with NeedAmended', async () => {
    const open = waiting();
    const store = new MemoryStore(need('offered', { referralIds: [] }), [repairable(), open]);
    store.current.referralIds = store.referrals.map((r) => r.referralId);
    const flow = workflow();
    await amendNeed({ store, workflow: flow, servingBanks: serving }, store.current.needId, { enterprise: { hasFixedPremises: !store.current.enterprise.hasFixedPremises } }, now);
    expect(store.amendments[0]).toMatchObject({ retracted: open, round: 0 });
    expect(flow.calls).toEqual([`fail token-1 ${NEED_AMENDED_ERROR}`]);
  });

  it('re-reads and decides again when the need moved meanwhile', async () => {
    const store = new MemoryStore(need('not_recommended'));
    store.raceOnce = true;
    const outcome = await amendNeed({ store, workflow: workflow(), servingBanks: serving }, store.current.needId, { need: { termMonths: 6 } }, now);
    expect(outcome.kind).toBe('changed');
    expect(store.amendments).toHaveLength(1);
  });

  it('writes nothing for an amendment that changes nothing, or a need in a state that refuses it', async () => {
    const n = need('unmatched');
    const store = new MemoryStore(n);
    expect(await amendNeed({ store, workflow: workflow(), servingBanks: serving }, n.needId, { need: { amountYuan: n.need.amountYuan } }, now)).toEqual({ kind: 'nothing_changed' });
    const granted = new MemoryStore(need('granted'));
    expect(await amendNeed({ store: granted, workflow: workflow(), servingBanks: serving }, n.needId, { need: { amountYuan: 9_999 } }, now)).toEqual({ kind: 'refused', reason: 'closed' });
    expect([...store.amendments, ...granted.amendments]).toEqual([]);
  });

  it('a withdrawal while a bank waits on the offer ends the wait with NeedWithdrawn; a repeat changes nothing more', async () => {
    const open = waiting();
    const store = new MemoryStore(need('offered'), [open]);
    store.current.referralIds = [open.referralId];
    const flow = workflow();
    expect(await withdrawNeed({ store, workflow: flow, servingBanks: serving }, store.current.needId, now)).toMatchObject({ kind: 'changed', need: { status: 'withdrawn' } });
    expect(await withdrawNeed({ store, workflow: flow, servingBanks: serving }, store.current.needId, now)).toMatchObject({ kind: 'changed', need: { status: 'withdrawn' } });
    expect(store.withdrawals).toEqual([{ referral: open, erase: ['contact.name', 'contact.mobile', 'need.description'] }]);
    expect(flow.calls).toEqual([`fail token-1 ${NEED_WITHDRAWN_ERROR}`]);
  });
});

describe('the status page’s amendment form', () => {
  it('offers exactly the purposes and guarantees the schema accepts', async () => {
    const { PURPOSES, GUARANTEES } = await import('../../shared/domain/need');
    const { PURPOSE_CHOICES, GUARANTEE_CHOICES } = await import('../../web/src/need-changes');
    expect([...PURPOSE_CHOICES]).toEqual([...PURPOSES]);
    expect([...GUARANTEE_CHOICES]).toEqual([...GUARANTEES]);
  });

  it('sends only what differs from the need as shown', async () => {
    const { amendmentBody } = await import('../../web/src/need-changes');
    const n = need('unmatched');
    const shown = { ...n, enterprise: { ...n.enterprise, hasFixedPremises: true } } as unknown as Parameters<typeof amendmentBody>[0];
    const same = { amountYuan: String(n.need.amountYuan), termMonths: String(n.need.termMonths), purpose: n.need.purpose, guarantee: n.need.guarantee, description: n.need.description ?? '', hasFixedPremises: true };
    expect(amendmentBody(shown, same)).toEqual({});
    expect(amendmentBody(shown, { ...same, amountYuan: '３００,０００', hasFixedPremises: false })).toEqual({ need: { amountYuan: 300_000 }, enterprise: { hasFixedPremises: false } });
    // What is not a whole number goes as typed: the API says what is wrong with it, next to the field.
    expect(amendmentBody(shown, { ...same, termMonths: 'abc' })).toEqual({ need: { termMonths: 'abc' } });
  });
});

describe('a renewed consent, as an amendment', () => {
  const named = (ids: string[]) => ({ shareWithBanks: true as const, textVersion: '2026-12', bankIds: ids });
  const consented = (ids: string[]): Partial<ChangeableNeed> => ({
    consent: { shareWithBanks: true, textVersion: '2026-12', at: now.toISOString(), recipients: SERVING.filter((b) => ids.includes(b.bankId)) },
  });

  it('routes again a need no bank matched when it names a bank that started serving the county later', async () => {
    const store = new MemoryStore(need('unmatched', consented(['b1'])));
    const flow = workflow();
    const outcome = await amendNeed({ store, workflow: flow, servingBanks: serving }, store.current.needId, { consent: named(['b1', 'b2']) }, now);
    expect(outcome.kind).toBe('changed');
    expect(store.amendments).toEqual([expect.objectContaining({ changed: ['/consent'], round: 1, consent: expect.objectContaining({ recipients: SERVING }) })]);
    expect(flow.calls).toEqual([`start ${store.current.needId} ${store.current.needId}-a1`]);
  });

  it('is recorded, without routing again, while the need is open', async () => {
    const store = new MemoryStore(need('offered', consented(['b1'])));
    const flow = workflow();
    expect((await amendNeed({ store, workflow: flow, servingBanks: serving }, store.current.needId, { consent: named(['b1', 'b2']) }, now)).kind).toBe('changed');
    expect(store.consents).toEqual([expect.objectContaining({ recipients: SERVING, at: now.toISOString() })]);
    expect([...store.amendments, ...flow.calls]).toEqual([]);
  });

  it('names only banks serving the county now, and the same banks again change nothing', async () => {
    const store = new MemoryStore(need('unmatched', consented(['b1'])));
    const deps = { store, workflow: workflow(), servingBanks: serving };
    expect(await amendNeed(deps, store.current.needId, { consent: named(['b1', 'elsewhere']) }, now)).toMatchObject({
      kind: 'invalid',
      errors: [expect.objectContaining({ pointer: '/consent/bankIds' })],
    });
    expect(await amendNeed(deps, store.current.needId, { consent: named(['b1']) }, now)).toEqual({ kind: 'nothing_changed' });
    expect([...store.amendments, ...store.consents]).toEqual([]);
  });
});

describe('the status page’s renewal offer', () => {
  it('lists the serving banks the consent does not name, and none for a consent before named consent', async () => {
    const { banksToAdd } = await import('../../web/src/need-changes');
    expect(banksToAdd({ consentBankIds: ['b1'] }, SERVING)).toEqual([SERVING[1]]);
    expect(banksToAdd({ consentBankIds: ['b1', 'b2'] }, SERVING)).toEqual([]);
    expect(banksToAdd({}, SERVING)).toEqual([]);
  });
});
